<?php
declare(strict_types=1);

namespace Lightbox\ImagePipeline\Console\Command;

use Lightbox\ImagePipeline\Lib\BackfillCriteria;
use Lightbox\ImagePipeline\Lib\MediaWriter;
use Lightbox\ImagePipeline\Model\ImageMessage;
use Magento\Catalog\Model\ResourceModel\Product\CollectionFactory;
use Magento\Store\Model\Store;
use Symfony\Component\Console\Command\Command;
use Symfony\Component\Console\Input\InputInterface;
use Symfony\Component\Console\Input\InputOption;
use Symfony\Component\Console\Output\OutputInterface;

/**
 * bin/magento lightbox:process --all | --since=YYYY-MM-DD | --sku-pattern=PREFIX-* |
 * --category-id=N [--limit=N] [--dry-run]: queues every gallery image of the chosen products
 * (skipping opted-out products and our own results), as a product save would.
 */
class ProcessCommand extends Command
{
    public function __construct(
        private readonly CollectionFactory $products,
        private readonly ImageMessage $messages,
    ) {
        parent::__construct();
    }

    protected function configure(): void
    {
        $this->setName('lightbox:process')
            ->setDescription('Send catalogue images to Lightbox (backfill)')
            ->addOption('all', null, InputOption::VALUE_NONE, 'Every product')
            ->addOption('since', null, InputOption::VALUE_REQUIRED, 'Products updated on or after YYYY-MM-DD')
            ->addOption('sku-pattern', null, InputOption::VALUE_REQUIRED, 'SKUs matching a glob, e.g. MB-*')
            ->addOption('category-id', null, InputOption::VALUE_REQUIRED, 'Products in this category')
            ->addOption('limit', null, InputOption::VALUE_REQUIRED, 'At most this many products')
            ->addOption('dry-run', null, InputOption::VALUE_NONE, 'List what would be sent; send nothing');
    }

    protected function execute(InputInterface $input, OutputInterface $output): int
    {
        try {
            $criteria = BackfillCriteria::fromOptions($input->getOptions());
        } catch (\InvalidArgumentException $error) {
            $output->writeln('<error>' . $error->getMessage() . '</error>');
            return Command::INVALID;
        }
        $collection = $this->products->create()
            ->addAttributeToSelect(['sku', 'image', 'small_image', 'thumbnail', 'swatch_image', 'skip_image_pipeline'])
            ->addMediaGalleryData()
            ->setOrder('entity_id', 'ASC');
        if ($criteria->sinceTimestamp() !== null) {
            $collection->addAttributeToFilter('updated_at', ['gteq' => $criteria->sinceTimestamp()]);
        }
        if ($criteria->skuLike() !== null) {
            $collection->addAttributeToFilter('sku', ['like' => $criteria->skuLike()]);
        }
        if ($criteria->categoryId !== null) {
            $collection->addCategoriesFilter(['in' => [$criteria->categoryId]]);
        }
        if ($criteria->limit !== null) {
            $collection->setPageSize($criteria->limit)->setCurPage(1);
        }
        $queued = 0;
        foreach ($collection as $product) {
            if ((bool) $product->getData('skip_image_pipeline') || !$criteria->matchesSku((string) $product->getSku())) {
                continue;
            }
            foreach (($product->getData('media_gallery')['images'] ?? []) as $image) {
                $file = (string) ($image['file'] ?? '');
                if ($file === '' || MediaWriter::isOurs($file) || !empty($image['disabled'])) {
                    continue;
                }
                $output->writeln(sprintf('%s %s %s', $criteria->dryRun ? 'would send' : 'queued', $product->getSku(), $file));
                if (!$criteria->dryRun) {
                    $this->messages->publish($product, $image, Store::DEFAULT_STORE_ID);
                }
                $queued++;
            }
        }
        $output->writeln(sprintf('%d image(s) %s', $queued, $criteria->dryRun ? 'would be sent' : 'queued'));
        return Command::SUCCESS;
    }
}
