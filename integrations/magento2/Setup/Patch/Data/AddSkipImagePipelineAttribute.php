<?php
declare(strict_types=1);

namespace Lightbox\ImagePipeline\Setup\Patch\Data;

use Magento\Catalog\Model\Product;
use Magento\Catalog\Model\ResourceModel\Eav\Attribute;
use Magento\Eav\Model\Entity\Attribute\Source\Boolean;
use Magento\Eav\Setup\EavSetupFactory;
use Magento\Framework\Setup\ModuleDataSetupInterface;
use Magento\Framework\Setup\Patch\DataPatchInterface;

/** The product attribute `skip_image_pipeline` (Yes/No, default No): Yes keeps a SKU's photos as they are. */
class AddSkipImagePipelineAttribute implements DataPatchInterface
{
    public function __construct(
        private readonly ModuleDataSetupInterface $setup,
        private readonly EavSetupFactory $eavSetupFactory,
    ) {
    }

    public function apply(): self
    {
        $eav = $this->eavSetupFactory->create(['setup' => $this->setup]);
        $eav->addAttribute(Product::ENTITY, 'skip_image_pipeline', [
            'type' => 'int',
            'label' => 'Skip Lightbox image pipeline',
            'input' => 'boolean',
            'source' => Boolean::class,
            'default' => '0',
            'global' => Attribute::SCOPE_GLOBAL,
            'required' => false,
            'user_defined' => true,
            'visible' => true,
            'used_in_product_listing' => false,
            'group' => 'Images',
        ]);
        return $this;
    }

    public static function getDependencies(): array
    {
        return [];
    }

    public function getAliases(): array
    {
        return [];
    }
}
