<?php
declare(strict_types=1);

namespace Lightbox\ImagePipeline\Test\Unit;

use Lightbox\ImagePipeline\Lib\SignatureError;
use Lightbox\ImagePipeline\Lib\SignatureVerifier;
use PHPUnit\Framework\TestCase;

final class SignatureVerifierTest extends TestCase
{
    private const SECRET = '8f1d2c3b4a5968778695a4b3c2d1e0f00112233445566778899aabbccddeeff0';
    private const NOW = 1_800_000_000;

    public static function sign(string $body, int $stamp, string $secret = self::SECRET): string
    {
        return 't=' . $stamp . ',v1=' . hash_hmac('sha256', $stamp . '.' . $body, (string) hex2bin($secret));
    }

    public function testASignedBodyWithinTheToleranceIsAccepted(): void
    {
        $body = '{"event":"generation.completed","data":{"generation_id":"gen_1"}}';
        (new SignatureVerifier(self::SECRET))->verify($body, self::sign($body, self::NOW - 299), self::NOW);
        (new SignatureVerifier(self::SECRET . "\n"))->verify($body, self::sign($body, self::NOW + 10), self::NOW);
        $this->addToAssertionCount(2);
    }

    public function testAnyOfSeveralSignaturesMayMatch(): void
    {
        $body = '{}';
        $valid = substr(self::sign($body, self::NOW), strlen('t=' . self::NOW . ','));
        $header = 't=' . self::NOW . ',v1=' . str_repeat('0', 64) . ',' . $valid;
        (new SignatureVerifier(self::SECRET))->verify($body, $header, self::NOW);
        $this->addToAssertionCount(1);
    }

    /** @return array<string, array{0: string, 1: ?string, 2: string}> */
    public static function refusals(): array
    {
        $body = '{"event":"generation.completed"}';
        return [
            'tampered body' => ['{"event":"generation.failed"}', self::sign($body, self::NOW), 'does not match'],
            'another secret' => [$body, self::sign($body, self::NOW, str_repeat('ab', 32)), 'does not match'],
            'stale' => [$body, self::sign($body, self::NOW - 301), 'more than 300 s'],
            'from the future' => [$body, self::sign($body, self::NOW + 301), 'more than 300 s'],
            'no header' => [$body, null, 'missing or malformed'],
            'no stamp' => [$body, 'v1=' . str_repeat('0', 64), 'missing or malformed'],
            'no signature' => [$body, 't=' . self::NOW, 'missing or malformed'],
            'stamp signed apart' => [$body, 't=' . self::NOW . ',v1=' . hash_hmac('sha256', $body, (string) hex2bin(self::SECRET)), 'does not match'],
        ];
    }

    /** @dataProvider refusals */
    public function testCallsThatAreNotLightboxsAreRefusedSayingWhy(string $body, ?string $header, string $why): void
    {
        $this->expectException(SignatureError::class);
        $this->expectExceptionMessage($why);
        (new SignatureVerifier(self::SECRET))->verify($body, $header, self::NOW);
    }

    public function testASecretThatIsNotHexIsRefusedAtOnce(): void
    {
        $this->expectException(\InvalidArgumentException::class);
        new SignatureVerifier('not-hex');
    }
}
