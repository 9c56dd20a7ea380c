<?php
declare(strict_types=1);

namespace Lightbox\ImagePipeline\Model\Queue;

use Lightbox\ImagePipeline\Lib\ApiError;
use Lightbox\ImagePipeline\Model\Config;
use Lightbox\ImagePipeline\Model\JobLedger;
use Psr\Log\LoggerInterface;

/**
 * Consumer `lightboxImageProcess` (bin/magento queue:consumers:start lightboxImageProcess, or
 * cron's consumers runner): posts one gallery image to Lightbox with Idempotency-Key = the
 * photo's SHA-256 and the webhook URL, and records the generation. Lightbox down or busy:
 * the exception hands the message back to the queue to be tried again; a photo Lightbox
 * refuses is logged and dropped.
 */
class ProcessImageConsumer
{
    public function __construct(
        private readonly Config $config,
        private readonly JobLedger $ledger,
        private readonly LoggerInterface $logger,
    ) {
    }

    public function process(string $body): void
    {
        $message = json_decode($body, true, 8, JSON_THROW_ON_ERROR);
        $path = $this->config->mediaRoot() . '/' . ltrim((string) $message['file'], '/');
        $photo = @file_get_contents($path);
        if ($photo === false || $photo === '') {
            $this->logger->warning("Lightbox: {$message['file']} of product {$message['product_id']} cannot be read; not sent");
            return;
        }
        $sha256 = hash('sha256', $photo);
        try {
            $answer = $this->config->client()->submit($photo, basename($path), $this->config->fields((int) $message['store_id']),
                $sha256, $this->config->webhookUrl());
        } catch (ApiError $error) {
            if ($error->isTransient()) {
                throw $error;
            }
            $this->logger->warning("Lightbox refused {$message['file']} ({$error->errorCode}): {$error->getMessage()}");
            return;
        }
        $this->ledger->record((string) $answer['generation_id'], $message, $sha256);
    }
}
