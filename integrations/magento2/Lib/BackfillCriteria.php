<?php
declare(strict_types=1);

namespace Lightbox\ImagePipeline\Lib;

/**
 * Which products `bin/magento lightbox:process` sends: --all, or any of --since=YYYY-MM-DD,
 * --sku-pattern=PREFIX-*, --category-id=N; then --limit and --dry-run. Checked here, each
 * bad value refused naming its flag, before any product is read.
 */
final class BackfillCriteria
{
    private function __construct(
        public readonly bool $all,
        public readonly ?string $since,
        public readonly ?string $skuPattern,
        public readonly ?int $categoryId,
        public readonly ?int $limit,
        public readonly bool $dryRun,
    ) {
    }

    /** @param array<string, mixed> $options the console command's options, by flag name */
    public static function fromOptions(array $options): self
    {
        $since = self::text($options['since'] ?? null);
        if ($since !== null) {
            $date = \DateTimeImmutable::createFromFormat('!Y-m-d', $since, new \DateTimeZone('UTC'));
            if ($date === false || $date->format('Y-m-d') !== $since) {
                throw new \InvalidArgumentException("--since expects a date such as 2026-11-30, not '$since'");
            }
        }
        $pattern = self::text($options['sku-pattern'] ?? null);
        if ($pattern !== null && (strlen($pattern) > 64 || !preg_match('/^[A-Za-z0-9_.\-*?\/ ]+$/', $pattern))) {
            throw new \InvalidArgumentException("--sku-pattern expects a SKU glob such as MB-*, not '$pattern'");
        }
        $criteria = new self(
            (bool) ($options['all'] ?? false),
            $since,
            $pattern,
            self::positive($options['category-id'] ?? null, 'category-id'),
            self::positive($options['limit'] ?? null, 'limit'),
            (bool) ($options['dry-run'] ?? false),
        );
        if (!$criteria->all && $since === null && $pattern === null && $criteria->categoryId === null) {
            throw new \InvalidArgumentException('Say which products: --all, or --since, --sku-pattern or --category-id');
        }
        return $criteria;
    }

    /** The SKU glob as an SQL LIKE pattern (`\` escapes): MB-* → MB-%. */
    public function skuLike(): ?string
    {
        if ($this->skuPattern === null) {
            return null;
        }
        return strtr(addcslashes($this->skuPattern, '%_\\'), ['*' => '%', '?' => '_']);
    }

    public function matchesSku(string $sku): bool
    {
        return $this->skuPattern === null || fnmatch($this->skuPattern, $sku, FNM_NOESCAPE);
    }

    /** Products updated on or after this moment, UTC, or null. */
    public function sinceTimestamp(): ?string
    {
        return $this->since === null ? null : $this->since . ' 00:00:00';
    }

    private static function text(mixed $value): ?string
    {
        return $value === null || $value === false || trim((string) $value) === '' ? null : trim((string) $value);
    }

    private static function positive(mixed $value, string $flag): ?int
    {
        $text = self::text($value);
        if ($text === null) {
            return null;
        }
        if (!ctype_digit($text) || (int) $text < 1) {
            throw new \InvalidArgumentException("--$flag expects a whole number of at least 1, not '$text'");
        }
        return (int) $text;
    }
}
