<?php
declare(strict_types=1);

namespace Lightbox\ImagePipeline\Lib;

/** A webhook call that cannot be shown to come from our Lightbox service, and why. */
final class SignatureError extends \RuntimeException
{
}
