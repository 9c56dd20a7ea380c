<?php
declare(strict_types=1);

namespace Lightbox\ImagePipeline\Observer;

use Lightbox\ImagePipeline\Lib\MediaWriter;
use Lightbox\ImagePipeline\Model\Config;
use Lightbox\ImagePipeline\Model\ImageMessage;
use Magento\Catalog\Model\Product;
use Magento\Framework\Event\Observer;
use Magento\Framework\Event\ObserverInterface;
use Psr\Log\LoggerInterface;

/**
 * On catalog_product_save_after: the gallery images this save added (no value_id before it),
 * other than our own results and of products not opted out, go to the queue. Nothing is read
 * or sent here, so the admin's save waits for a few inserts only; a queue that fails is logged,
 * never allowed to fail the save.
 */
class QueueNewGalleryImages implements ObserverInterface
{
    public function __construct(
        private readonly Config $config,
        private readonly ImageMessage $messages,
        private readonly LoggerInterface $logger,
    ) {
    }

    public function execute(Observer $observer): void
    {
        /** @var Product $product */
        $product = $observer->getEvent()->getProduct();
        $storeId = (int) $product->getStoreId();
        if (!$this->config->isEnabled($storeId) || (bool) $product->getData('skip_image_pipeline')) {
            return;
        }
        $before = [];
        foreach (($product->getOrigData('media_gallery')['images'] ?? []) as $image) {
            $before[(string) ($image['file'] ?? '')] = true;
        }
        foreach (($product->getData('media_gallery')['images'] ?? []) as $image) {
            $file = (string) ($image['file'] ?? '');
            if ($file === '' || isset($before[$file]) || !empty($image['removed']) || MediaWriter::isOurs($file)
                || ($image['media_type'] ?? 'image') !== 'image') {
                continue;
            }
            try {
                $this->messages->publish($product, $image, $storeId);
            } catch (\Throwable $error) {
                $this->logger->error('Lightbox: could not queue ' . $file . ': ' . $error->getMessage());
            }
        }
    }
}
