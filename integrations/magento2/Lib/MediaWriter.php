<?php
declare(strict_types=1);

namespace Lightbox\ImagePipeline\Lib;

/**
 * Writes Lightbox's outputs under Magento's pub/media/catalog/product with content-hash names
 * (`/3/f/lbx-3f9a….jpg`), mode 0644 so the web server reads them. A file is never written in
 * place: bytes go to a temporary file in the same folder and are renamed; a name that exists
 * already holds the same bytes and is kept. The `lbx-` prefix marks our files, so that a save
 * of the gallery they land in is not sent back to Lightbox.
 */
final class MediaWriter
{
    public const PREFIX = 'lbx-';

    public function __construct(private readonly string $mediaRoot)
    {
    }

    /** @return string the gallery path, relative to the media root, with a leading slash */
    public function write(string $bytes, string $extension): string
    {
        if (!preg_match('/^[a-z0-9]{2,5}$/', $extension)) {
            throw new \InvalidArgumentException("Not a file extension: $extension");
        }
        $hash = hash('sha256', $bytes);
        $path = '/' . $hash[0] . '/' . $hash[1] . '/' . self::PREFIX . substr($hash, 0, 32) . '.' . $extension;
        $target = rtrim($this->mediaRoot, '/') . $path;
        $folder = dirname($target);
        if (!is_dir($folder) && !mkdir($folder, 0755, true) && !is_dir($folder)) {
            throw new \RuntimeException("Cannot create $folder");
        }
        if (is_file($target)) {
            return $path;
        }
        $temporary = $folder . '/.' . basename($target) . '.' . bin2hex(random_bytes(6)) . '.tmp';
        if (file_put_contents($temporary, $bytes) !== strlen($bytes) || !chmod($temporary, 0644)
            || !rename($temporary, $target)) {
            @unlink($temporary);
            throw new \RuntimeException("Cannot write $target");
        }
        return $path;
    }

    /** Whether a gallery path is one of ours (a result, not a photo to send). */
    public static function isOurs(string $galleryPath): bool
    {
        return str_starts_with(basename($galleryPath), self::PREFIX);
    }

    /** The extension for an output format's bytes. */
    public static function extension(string $format): string
    {
        return match ($format) {
            'jpeg' => 'jpg',
            default => $format,
        };
    }
}
