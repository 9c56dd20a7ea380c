<?php
declare(strict_types=1);

namespace Lightbox\ImagePipeline\Model;

use Magento\Framework\MessageQueue\PublisherInterface;

/** One gallery image to send, as the queue carries it (JSON on topic lightbox.image.process). */
class ImageMessage
{
    public const TOPIC = 'lightbox.image.process';

    public function __construct(private readonly PublisherInterface $publisher)
    {
    }

    /** @param list<string> $roles the media attributes it fills (image, small_image, …) */
    public function publish(int $productId, string $sku, int $storeId, string $file, string $label, array $roles): void
    {
        $this->publisher->publish(self::TOPIC, (string) json_encode([
            'product_id' => $productId, 'sku' => $sku, 'store_id' => $storeId, 'file' => $file,
            'label' => $label, 'roles' => array_values($roles),
        ], JSON_THROW_ON_ERROR));
    }
}
