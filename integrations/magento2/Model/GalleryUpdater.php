<?php
declare(strict_types=1);

namespace Lightbox\ImagePipeline\Model;

use Lightbox\ImagePipeline\Lib\ImportRowBuilder;
use Magento\Catalog\Api\ProductRepositoryInterface;
use Magento\Catalog\Model\Product\Gallery\Processor;
use Magento\Store\Model\Store;

/**
 * Puts a result into the product's gallery in place of the photo it was made from: the new
 * file (already under pub/media/catalog/product) becomes a gallery entry with the photo's
 * label and position and takes the roles the photo had; the photo's entry is disabled, not
 * deleted, and its file is left alone.
 */
class GalleryUpdater
{
    public function __construct(
        private readonly ProductRepositoryInterface $products,
        private readonly Processor $gallery,
    ) {
    }

    /** @param array<string, mixed> $job the lightbox_image_job row */
    public function apply(array $job, string $resultFile): void
    {
        $product = $this->products->getById((int) $job['product_id'], true, Store::DEFAULT_STORE_ID, true);
        $roles = array_values(array_filter(explode(',', (string) $job['roles'])));
        $row = ImportRowBuilder::row((string) $product->getSku(), '',
            [['path' => $resultFile, 'roles' => $roles, 'label' => (string) $job['label']]]);
        $position = null;
        foreach (($product->getData('media_gallery')['images'] ?? []) as $image) {
            if (($image['file'] ?? null) === $resultFile && empty($image['removed'])) {
                return; // applied already: a webhook delivered twice
            }
            if (($image['file'] ?? null) === $job['original_file']) {
                $position = $image['position'] ?? null;
                $this->gallery->updateImage($product, (string) $job['original_file'], ['disabled' => 1]);
            }
        }
        $this->addExisting($product, $resultFile, (string) $job['label'], $position);
        foreach (ImportRowBuilder::ROLES as $column => $role) {
            if ($row[$column] !== '') {
                $this->gallery->setMediaAttribute($product, $role, $resultFile);
            }
        }
        $this->products->save($product);
    }

    /** A gallery entry for a file already in place, so the processor neither copies nor renames it. */
    private function addExisting(\Magento\Catalog\Model\Product $product, string $file, string $label, mixed $position): void
    {
        $gallery = $product->getData('media_gallery') ?: ['images' => [], 'values' => []];
        $gallery['images'][] = ['file' => $file, 'label' => $label, 'position' => $position, 'disabled' => 0,
            'media_type' => 'image', 'types' => []];
        $product->setData('media_gallery', $gallery);
    }
}
