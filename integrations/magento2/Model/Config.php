<?php
declare(strict_types=1);

namespace Lightbox\ImagePipeline\Model;

use Lightbox\ImagePipeline\Lib\ApiClient;
use Lightbox\ImagePipeline\Lib\MediaWriter;
use Lightbox\ImagePipeline\Lib\SignatureVerifier;
use Magento\Framework\App\Config\ScopeConfigInterface;
use Magento\Framework\App\Filesystem\DirectoryList;
use Magento\Framework\Encryption\EncryptorInterface;
use Magento\Framework\Filesystem;
use Magento\Framework\UrlInterface;
use Magento\Store\Model\ScopeInterface;
use Magento\Store\Model\StoreManagerInterface;

/** Stores › Configuration › Catalog › Lightbox, read per store view, and the plain clients built from it. */
class Config
{
    private const PATH = 'lightbox_image_pipeline/general/';

    public function __construct(
        private readonly ScopeConfigInterface $scopeConfig,
        private readonly EncryptorInterface $encryptor,
        private readonly Filesystem $filesystem,
        private readonly StoreManagerInterface $storeManager,
    ) {
    }

    public function isEnabled(int $storeId): bool
    {
        if (!$this->scopeConfig->isSetFlag(self::PATH . 'enabled')) {
            return false;
        }
        $views = array_filter(explode(',', (string) $this->value('store_views')));
        return $views === [] || in_array((string) $storeId, $views, true);
    }

    /** @return array<string, string> the generation's fields for a photo shown in this store view */
    public function fields(int $storeId): array
    {
        $fields = [
            'preset' => (string) ($this->value('preset') ?: 'white-studio'),
            'shadow_type' => (string) ($this->value('shadow') ?: 'soft'),
            'output_format' => (string) ($this->value('formats') ?: 'jpeg,webp'),
            'second_look' => $this->scopeConfig->isSetFlag(self::PATH . 'second_look') ? 'true' : 'false',
        ];
        $watermark = trim((string) $this->value('watermark_text', $storeId));
        if ($watermark !== '') {
            $fields['watermark'] = $watermark;
        }
        return $fields;
    }

    public function client(): ApiClient
    {
        return new ApiClient((string) $this->value('url'), $this->encryptor->decrypt((string) $this->value('api_key')));
    }

    public function verifier(): SignatureVerifier
    {
        return new SignatureVerifier($this->encryptor->decrypt((string) $this->value('webhook_secret')));
    }

    public function mediaWriter(): MediaWriter
    {
        return new MediaWriter($this->mediaRoot());
    }

    /** pub/media/catalog/product */
    public function mediaRoot(): string
    {
        return $this->filesystem->getDirectoryRead(DirectoryList::MEDIA)->getAbsolutePath('catalog/product');
    }

    public function webhookUrl(): string
    {
        return $this->storeManager->getDefaultStoreView()->getBaseUrl(UrlInterface::URL_TYPE_WEB) . 'lightbox/webhook/receive';
    }

    private function value(string $field, ?int $storeId = null): mixed
    {
        return $storeId === null
            ? $this->scopeConfig->getValue(self::PATH . $field)
            : $this->scopeConfig->getValue(self::PATH . $field, ScopeInterface::SCOPE_STORE, $storeId);
    }
}
