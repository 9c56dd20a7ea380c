<?php
declare(strict_types=1);

namespace Lightbox\ImagePipeline\Model\Config\Source;

use Magento\Framework\Data\OptionSourceInterface;

/** Lightbox's shadow styles. */
class Shadow implements OptionSourceInterface
{
    public function toOptionArray(): array
    {
        return array_map(fn (string $style) => ['value' => $style, 'label' => ucfirst($style)],
            ['none', 'soft', 'hard', 'natural', 'floating']);
    }
}
