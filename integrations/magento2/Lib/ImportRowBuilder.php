<?php
declare(strict_types=1);

namespace Lightbox\ImagePipeline\Lib;

/**
 * A product's images as a row of Magento's product import (the same columns
 * `lightbox batch --magento-import` writes): the image each role shows, the additional images,
 * and their labels. The gallery updater applies one row to a product; the same rows written as a
 * CSV import through System › Data Transfer › Import.
 */
final class ImportRowBuilder
{
    public const COLUMNS = ['sku', 'store_view_code', 'base_image', 'small_image', 'thumbnail_image', 'swatch_image',
        'additional_images', 'base_image_label', 'small_image_label', 'thumbnail_image_label', 'additional_image_labels'];
    /** Magento's role (media attribute) codes, by import column. */
    public const ROLES = ['base_image' => 'image', 'small_image' => 'small_image', 'thumbnail_image' => 'thumbnail',
        'swatch_image' => 'swatch_image'];

    /**
     * @param list<array{path: string, roles: list<string>, label: string}> $images paths relative
     *        to the import folder or the media root; roles as Magento's codes (image, small_image, …)
     * @return array<string, string>
     */
    public static function row(string $sku, string $storeViewCode, array $images): array
    {
        if ($sku === '') {
            throw new \InvalidArgumentException('A row needs a SKU');
        }
        $row = array_fill_keys(self::COLUMNS, '');
        $row['sku'] = $sku;
        $row['store_view_code'] = $storeViewCode;
        $additional = [];
        $labels = [];
        foreach ($images as $image) {
            $roles = array_intersect(self::ROLES, $image['roles']);
            foreach (array_keys($roles) as $column) {
                $row[$column] = $image['path'];
                if ($column !== 'swatch_image') {
                    $row[$column . '_label'] = $image['label'];
                }
            }
            if ($roles === []) {
                $additional[] = $image['path'];
                // Magento splits this column on commas.
                $labels[] = str_replace(',', ' ', $image['label']);
            }
        }
        $row['additional_images'] = implode(',', $additional);
        $row['additional_image_labels'] = implode(',', $labels);
        return $row;
    }

    /** @param list<array<string, string>> $rows */
    public static function csv(array $rows): string
    {
        $stream = fopen('php://temp', 'w+');
        fputcsv($stream, self::COLUMNS, ',', '"', '');
        foreach ($rows as $row) {
            fputcsv($stream, array_map(fn (string $column) => $row[$column] ?? '', self::COLUMNS), ',', '"', '');
        }
        rewind($stream);
        $text = stream_get_contents($stream);
        fclose($stream);
        return (string) $text;
    }
}
