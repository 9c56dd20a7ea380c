<?php
declare(strict_types=1);

namespace Lightbox\ImagePipeline\Lib;

/**
 * Checks `Lightbox-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, keyed
 * with the service's webhook secret (the hex text of its DIR/webhook-secret). A stamp further
 * than the tolerance from now is refused, so a captured call cannot be replayed later; the
 * comparison takes the same time however many characters match.
 */
final class SignatureVerifier
{
    private readonly string $key;

    public function __construct(string $secretHex, private readonly int $toleranceSeconds = 300)
    {
        $secretHex = trim($secretHex);
        if ($secretHex === '' || strlen($secretHex) % 2 !== 0 || !ctype_xdigit($secretHex)) {
            throw new \InvalidArgumentException('The Lightbox webhook secret must be the hex text of DIR/webhook-secret');
        }
        $this->key = (string) hex2bin($secretHex);
    }

    public function verify(string $body, ?string $header, int $now): void
    {
        $stamp = null;
        $signatures = [];
        foreach (explode(',', (string) $header) as $part) {
            [$name, $value] = array_pad(explode('=', trim($part), 2), 2, '');
            if ($name === 't' && ctype_digit($value)) {
                $stamp = (int) $value;
            } elseif ($name === 'v1') {
                $signatures[] = strtolower($value);
            }
        }
        if ($stamp === null || $signatures === []) {
            throw new SignatureError('The Lightbox-Signature header is missing or malformed');
        }
        if (abs($now - $stamp) > $this->toleranceSeconds) {
            throw new SignatureError("The signature's timestamp is more than {$this->toleranceSeconds} s from now");
        }
        $expected = hash_hmac('sha256', $stamp . '.' . $body, $this->key);
        foreach ($signatures as $signature) {
            if (hash_equals($expected, $signature)) {
                return;
            }
        }
        throw new SignatureError('The signature does not match the body');
    }
}
