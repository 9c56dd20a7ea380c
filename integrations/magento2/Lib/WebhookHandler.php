<?php
declare(strict_types=1);

namespace Lightbox\ImagePipeline\Lib;

/**
 * One call from Lightbox's webhook: verified, then, for a completed generation, its output
 * downloaded (JPEG first, else PNG: what Magento's gallery takes) and written by the media
 * writer. Returns what happened, for the gallery updater; throws SignatureError (answer 401)
 * for a call that is not Lightbox's, and ApiError when the output cannot be fetched (answer
 * 5xx: Lightbox retries).
 */
final class WebhookHandler
{
    /** @param list<string> $formats output formats to take, best first */
    public function __construct(
        private readonly SignatureVerifier $verifier,
        private readonly ApiClient $client,
        private readonly MediaWriter $writer,
        private readonly array $formats = ['jpeg', 'png'],
    ) {
    }

    /**
     * The call's event, once its signature holds: what a receiver looks its generation up by.
     *
     * @return array{event: string, data: array<string, mixed>}
     */
    public function verifiedEvent(string $body, ?string $signature, int $now): array
    {
        $this->verifier->verify($body, $signature, $now);
        $event = json_decode($body, true);
        $data = is_array($event) ? ($event['data'] ?? null) : null;
        if (!is_array($data) || !is_string($data['generation_id'] ?? null)
            || !in_array($event['event'] ?? null, ['generation.completed', 'generation.failed'], true)) {
            throw new \UnexpectedValueException('The webhook body is not a Lightbox generation event');
        }
        return ['event' => $event['event'], 'data' => $data];
    }

    /**
     * What a verified event comes to: for a completed generation, its output fetched and written.
     *
     * @param array{event: string, data: array<string, mixed>} $event
     * @return array{generation_id: string, event: string, status: string, path: ?string, format: ?string, error: ?string}
     */
    public function apply(array $event): array
    {
        $data = $event['data'];
        $result = ['generation_id' => $data['generation_id'], 'event' => $event['event'],
            'status' => (string) ($data['status'] ?? ''), 'path' => null, 'format' => null, 'error' => null];
        if ($event['event'] === 'generation.failed') {
            $result['error'] = (string) ($data['error']['code'] ?? 'failed');
            return $result;
        }
        $outputs = is_array($data['outputs'] ?? null) ? $data['outputs'] : [];
        foreach ($this->formats as $format) {
            if (is_string($outputs[$format] ?? null)) {
                $bytes = $this->client->download($outputs[$format]);
                $result['path'] = $this->writer->write($bytes, MediaWriter::extension($format));
                $result['format'] = $format;
                return $result;
            }
        }
        $result['error'] = 'no_usable_output';
        return $result;
    }

    /** `verifiedEvent`, then `apply`: for a receiver with nothing to look up in between. */
    public function handle(string $body, ?string $signature, int $now): array
    {
        return $this->apply($this->verifiedEvent($body, $signature, $now));
    }
}
