<?php
declare(strict_types=1);

namespace Lightbox\ImagePipeline\Lib;

/**
 * Talks to a Lightbox service over its HTTP API: posts a product photo as a generation (with
 * an Idempotency-Key, so a retried post never makes or charges a second one), reads a
 * generation's status, and downloads its outputs. No Magento imports: tested against a real
 * `lightbox serve`.
 */
final class ApiClient
{
    public function __construct(
        private readonly string $baseUrl,
        private readonly string $apiKey,
        private readonly int $timeoutSeconds = 60,
    ) {
    }

    /**
     * Posts `$image` to /v1/image/product-photo with `$fields` (preset, shadow_type, output_format,
     * watermark, …); Lightbox calls `$webhookUrl` when the generation ends.
     *
     * @param array<string, string> $fields
     * @return array<string, mixed> the 202 body: generation_id, status, credits_used, …
     */
    public function submit(string $image, string $fileName, array $fields, string $idempotencyKey, ?string $webhookUrl): array
    {
        $form = $fields + ['image' => new \CURLStringFile($image, basename($fileName), self::mediaType($image))];
        if ($webhookUrl !== null) {
            $form['webhook_url'] = $webhookUrl;
        }
        return $this->json('POST', '/v1/image/product-photo', $form, ['Idempotency-Key: ' . $idempotencyKey]);
    }

    /** @return array<string, mixed> the generation: status, outputs by format, error, … */
    public function status(string $generationId): array
    {
        return $this->json('GET', '/v1/image/' . rawurlencode($generationId));
    }

    /** The bytes of an output link, absolute or relative to the service. */
    public function download(string $url): string
    {
        [$status, $body] = $this->call('GET', self::absolute($this->baseUrl, $url));
        if ($status !== 200) {
            throw new ApiError("Lightbox answered $status for $url", $status, 'download_failed');
        }
        return $body;
    }

    public static function absolute(string $baseUrl, string $url): string
    {
        return preg_match('~^https?://~i', $url) === 1 ? $url : rtrim($baseUrl, '/') . '/' . ltrim($url, '/');
    }

    /** What a photo's first bytes say it is; Lightbox sniffs again and refuses what it cannot read. */
    public static function mediaType(string $bytes): string
    {
        return match (true) {
            str_starts_with($bytes, "\xFF\xD8\xFF") => 'image/jpeg',
            str_starts_with($bytes, "\x89PNG") => 'image/png',
            str_starts_with($bytes, 'RIFF') && substr($bytes, 8, 4) === 'WEBP' => 'image/webp',
            str_starts_with($bytes, 'GIF8') => 'image/gif',
            default => 'application/octet-stream',
        };
    }

    /**
     * @param array<string, mixed>|null $form
     * @param list<string> $headers
     * @return array<string, mixed>
     */
    private function json(string $method, string $path, ?array $form = null, array $headers = []): array
    {
        [$status, $body] = $this->call($method, rtrim($this->baseUrl, '/') . $path, $form,
            array_merge(['Authorization: Bearer ' . $this->apiKey, 'Accept: application/json'], $headers));
        $decoded = json_decode($body, true);
        if ($status >= 400 || !is_array($decoded)) {
            $error = is_array($decoded) ? ($decoded['error'] ?? []) : [];
            throw new ApiError(
                'Lightbox answered ' . $status . ': ' . ($error['message'] ?? substr($body, 0, 200)),
                $status,
                (string) ($error['code'] ?? 'unexpected_answer'),
            );
        }
        return $decoded;
    }

    /**
     * @param array<string, mixed>|null $form
     * @param list<string> $headers
     * @return array{0: int, 1: string}
     */
    private function call(string $method, string $url, ?array $form = null, array $headers = []): array
    {
        $curl = curl_init($url);
        curl_setopt_array($curl, [
            CURLOPT_CUSTOMREQUEST => $method,
            CURLOPT_RETURNTRANSFER => true,
            CURLOPT_HTTPHEADER => $headers,
            CURLOPT_CONNECTTIMEOUT => 10,
            CURLOPT_TIMEOUT => $this->timeoutSeconds,
            CURLOPT_FOLLOWLOCATION => false,
            CURLOPT_PROTOCOLS => CURLPROTO_HTTP | CURLPROTO_HTTPS,
        ]);
        if ($form !== null) {
            curl_setopt($curl, CURLOPT_POSTFIELDS, $form);
        }
        $body = curl_exec($curl);
        $status = (int) curl_getinfo($curl, CURLINFO_RESPONSE_CODE);
        $failure = curl_error($curl);
        curl_close($curl);
        if ($body === false) {
            throw new ApiError("Lightbox at $url cannot be reached: $failure", 0, 'unreachable');
        }
        return [$status, (string) $body];
    }
}
