<?php
declare(strict_types=1);

namespace Lightbox\ImagePipeline\Model;

use Lightbox\ImagePipeline\Lib\ImportRowBuilder;
use Magento\Catalog\Model\Product;
use Magento\Framework\MessageQueue\PublisherInterface;

/** One gallery image to send, as the queue carries it (JSON on topic lightbox.image.process). */
class ImageMessage
{
    public const TOPIC = 'lightbox.image.process';

    public function __construct(private readonly PublisherInterface $publisher)
    {
    }

    /**
     * Queues one image of `$product`'s gallery, with its label and the media attributes it
     * fills (image, small_image, …), as seen in the store view `$storeId`.
     *
     * @param array<string, mixed> $image a media_gallery entry
     */
    public function publish(Product $product, array $image, int $storeId): void
    {
        $file = (string) $image['file'];
        $roles = array_filter(array_values(ImportRowBuilder::ROLES), fn (string $role) => (string) $product->getData($role) === $file);
        $this->publisher->publish(self::TOPIC, (string) json_encode([
            'product_id' => (int) $product->getId(), 'sku' => (string) $product->getSku(), 'store_id' => $storeId,
            'file' => $file, 'label' => (string) ($image['label'] ?? ''), 'roles' => array_values($roles),
        ], JSON_THROW_ON_ERROR));
    }
}
