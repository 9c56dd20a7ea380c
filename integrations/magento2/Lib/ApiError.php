<?php
declare(strict_types=1);

namespace Lightbox\ImagePipeline\Lib;

/** Lightbox refused a call or could not be reached: the HTTP status (0 when unreachable) and its stable error code. */
final class ApiError extends \RuntimeException
{
    public function __construct(string $message, public readonly int $status, public readonly string $errorCode)
    {
        parent::__construct($message, $status);
    }

    /** Worth trying again later: Lightbox unreachable, busy or failing, not a refusal of this image. */
    public function isTransient(): bool
    {
        return $this->status === 0 || $this->status === 429 || $this->status >= 500;
    }
}
