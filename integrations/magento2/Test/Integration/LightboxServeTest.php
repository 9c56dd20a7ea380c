<?php
declare(strict_types=1);

namespace Lightbox\ImagePipeline\Test\Integration;

use Lightbox\ImagePipeline\Lib\ApiClient;
use Lightbox\ImagePipeline\Lib\SignatureVerifier;
use PHPUnit\Framework\TestCase;

/**
 * The module's client and webhook handler against a real `lightbox serve` (LIGHTBOX_BINARY,
 * default the repository's .build/debug/lightbox) and a real webhook endpoint under `php -S`,
 * both on loopback: a product photo posted, the signed webhook received and verified, the
 * output downloaded and written under its hash name, mode 0644.
 */
final class LightboxServeTest extends TestCase
{
    private static string $folder;
    private static string $key;
    private static string $url;
    private static string $receiverUrl;
    private static string $log;
    private static string $media;
    /** @var list<resource> */
    private static array $processes = [];

    public static function setUpBeforeClass(): void
    {
        $root = dirname(__DIR__, 4);
        $binary = getenv('LIGHTBOX_BINARY') ?: $root . '/.build/debug/lightbox';
        if (!is_executable($binary)) {
            self::fail("No lightbox binary at $binary: run `swift build` first, or set LIGHTBOX_BINARY");
        }
        self::$folder = sys_get_temp_dir() . '/lightbox-magento-' . bin2hex(random_bytes(4));
        self::$media = self::$folder . '/pub/media/catalog/product';
        self::$log = self::$folder . '/webhooks.jsonl';
        mkdir(self::$media, 0755, true);
        touch(self::$log);
        $data = self::$folder . '/lightbox';
        $environment = ['LIGHTBOX_MODELS_DIR' => getenv('LIGHTBOX_MODELS_DIR') ?: $root . '/models', 'PATH' => getenv('PATH')];
        self::$key = trim((string) shell_exec(escapeshellarg($binary) . ' keys create --data ' . escapeshellarg($data) . ' --credits 20'));

        $serve = self::start([$binary, 'serve', '--data', $data, '--port', '0', '--workers', '1', '--allow-private-urls', 'true'],
            $environment, $errors);
        $port = self::waitFor($errors, '/serving on http:\/\/[^:]+:(\d+)/');
        self::$url = "http://127.0.0.1:$port";

        $receiverPort = self::freePort();
        self::start([PHP_BINARY, '-S', "127.0.0.1:$receiverPort", __DIR__ . '/webhook_receiver.php'], $environment + [
            'LIGHTBOX_SECRET_FILE' => "$data/webhook-secret", 'LIGHTBOX_URL' => self::$url, 'LIGHTBOX_KEY' => self::$key,
            'LIGHTBOX_MEDIA_ROOT' => self::$media, 'LIGHTBOX_TEST_LOG' => self::$log,
        ], $receiverErrors);
        self::waitFor($receiverErrors, '/Development Server .* started/');
        self::$receiverUrl = "http://127.0.0.1:$receiverPort/hook";
    }

    public static function tearDownAfterClass(): void
    {
        foreach (self::$processes as $process) {
            proc_terminate($process);
            proc_close($process);
        }
        exec('rm -rf ' . escapeshellarg(self::$folder));
    }

    public function testAPhotoComesBackThroughTheSignedWebhookAsAHashNamedFile(): void
    {
        $photo = (string) file_get_contents(dirname(__DIR__, 4) . '/examples/kitchen-mug.jpg');
        $sha256 = hash('sha256', $photo);
        $client = new ApiClient(self::$url, self::$key);
        $fields = ['size' => '400x400', 'output_format' => 'jpeg,webp', 'preset' => 'white-studio', 'shadow_type' => 'soft',
            'second_look' => 'true'];
        $accepted = $client->submit($photo, 'kitchen-mug.jpg', $fields, $sha256, self::$receiverUrl);
        $id = (string) $accepted['generation_id'];
        $this->assertStringStartsWith('gen_', $id);
        $again = $client->submit($photo, 'kitchen-mug.jpg', $fields, $sha256, self::$receiverUrl);
        $this->assertSame($id, $again['generation_id'], 'the same Idempotency-Key answers the same generation');

        $call = $this->waitForCall(fn (array $call) => ($call['result']['generation_id'] ?? null) === $id);
        $this->assertSame('generation.completed', $call['result']['event']);
        $this->assertSame("$id.generation.completed", $call['webhook_id']);
        $this->assertSame('jpeg', $call['result']['format']);
        $path = (string) $call['result']['path'];
        $this->assertMatchesRegularExpression('~^/[0-9a-f]/[0-9a-f]/lbx-[0-9a-f]{32}\.jpg$~', $path);
        $file = self::$media . $path;
        $this->assertFileExists($file);
        $this->assertSame(0644, fileperms($file) & 0777, 'readable by the web server');
        $this->assertStringContainsString(substr(hash_file('sha256', $file), 0, 32), basename($path), 'named by its content');
        [$width, $height, $type] = getimagesize($file);
        $this->assertSame([400, 400, IMAGETYPE_JPEG], [$width, $height, $type]);
        $generation = $client->status($id);
        $this->assertSame('completed', $generation['status']);
        $secondLook = array_filter($generation['notes'] ?? [], fn ($note) => str_starts_with((string) $note, 'second look'));
        $this->assertNotEmpty($secondLook, 'second_look reached the pipeline: ' . json_encode($generation['notes'] ?? null));

        // The real call verifies with the plain verifier too, as the Magento controller runs it.
        $secret = (string) file_get_contents(self::$folder . '/lightbox/webhook-secret');
        (new SignatureVerifier($secret))->verify($call['body'], $call['signature'], time());
    }

    /** @depends testAPhotoComesBackThroughTheSignedWebhookAsAHashNamedFile */
    public function testATamperedOrStaleCallIsRefused(): void
    {
        $call = $this->waitForCall(fn (array $call) => isset($call['result']));
        $secret = (string) hex2bin(trim((string) file_get_contents(self::$folder . '/lightbox/webhook-secret')));
        $tampered = str_replace('"completed"', '"failed"', $call['body']);
        $this->assertSame(401, $this->post($tampered, $call['signature']));
        $stale = time() - 3600;
        $this->assertSame(401, $this->post($call['body'], "t=$stale,v1=" . hash_hmac('sha256', "$stale.{$call['body']}", $secret)));
        $this->assertSame(401, $this->post($call['body'], null));
        $refusals = array_column(array_filter($this->calls(), fn (array $call) => isset($call['refused'])), 'refused');
        $this->assertSame(['The signature does not match the body', "The signature's timestamp is more than 300 s from now",
            'The Lightbox-Signature header is missing or malformed'], $refusals);
        // A fresh, valid signature on the same body is accepted again and writes nothing new.
        $files = count(glob(self::$media . '/*/*/lbx-*') ?: []);
        $now = time();
        $this->assertSame(200, $this->post($call['body'], "t=$now,v1=" . hash_hmac('sha256', "$now.{$call['body']}", $secret)));
        $this->assertCount($files, glob(self::$media . '/*/*/lbx-*') ?: []);
    }

    private function post(string $body, ?string $signature): int
    {
        $curl = curl_init(self::$receiverUrl);
        curl_setopt_array($curl, [CURLOPT_POST => true, CURLOPT_POSTFIELDS => $body, CURLOPT_RETURNTRANSFER => true,
            CURLOPT_HTTPHEADER => array_merge(['Content-Type: application/json'],
                $signature === null ? [] : ["Lightbox-Signature: $signature"])]);
        curl_exec($curl);
        $status = (int) curl_getinfo($curl, CURLINFO_RESPONSE_CODE);
        curl_close($curl);
        return $status;
    }

    /** @return list<array<string, mixed>> */
    private function calls(): array
    {
        $lines = file(self::$log, FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES) ?: [];
        return array_map(fn (string $line) => json_decode($line, true), $lines);
    }

    /** @return array<string, mixed> */
    private function waitForCall(callable $matches): array
    {
        $deadline = microtime(true) + 120;
        while (microtime(true) < $deadline) {
            foreach ($this->calls() as $call) {
                if ($matches($call)) {
                    return $call;
                }
            }
            usleep(200_000);
        }
        $this->fail('No webhook arrived within 120 s; calls: ' . json_encode($this->calls()));
    }

    /**
     * @param list<string> $command
     * @param array<string, string> $environment
     * @param resource|null $errors set to the process's standard error
     * @return resource
     */
    private static function start(array $command, array $environment, &$errors)
    {
        $process = proc_open($command, [0 => ['file', '/dev/null', 'r'], 1 => ['file', '/dev/null', 'w'], 2 => ['pipe', 'w']],
            $pipes, null, $environment);
        if ($process === false) {
            self::fail('Cannot start ' . implode(' ', $command));
        }
        self::$processes[] = $process;
        $errors = $pipes[2];
        stream_set_blocking($errors, false);
        return $process;
    }

    /** @param resource $stream */
    private static function waitFor($stream, string $pattern): string
    {
        $text = '';
        $deadline = microtime(true) + 60;
        while (microtime(true) < $deadline) {
            $text .= (string) fread($stream, 8192);
            if (preg_match($pattern, $text, $match)) {
                return $match[1] ?? $match[0];
            }
            usleep(50_000);
        }
        self::fail("Not started within 60 s: $text");
    }

    private static function freePort(): int
    {
        $socket = stream_socket_server('tcp://127.0.0.1:0');
        $name = (string) stream_socket_get_name($socket, false);
        fclose($socket);
        return (int) substr($name, strrpos($name, ':') + 1);
    }
}
