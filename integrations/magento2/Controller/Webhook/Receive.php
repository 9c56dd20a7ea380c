<?php
declare(strict_types=1);

namespace Lightbox\ImagePipeline\Controller\Webhook;

use Lightbox\ImagePipeline\Lib\ApiError;
use Lightbox\ImagePipeline\Lib\SignatureError;
use Lightbox\ImagePipeline\Lib\WebhookHandler;
use Lightbox\ImagePipeline\Model\Config;
use Lightbox\ImagePipeline\Model\GalleryUpdater;
use Lightbox\ImagePipeline\Model\JobLedger;
use Magento\Framework\App\Action\HttpPostActionInterface;
use Magento\Framework\App\CsrfAwareActionInterface;
use Magento\Framework\App\Request\Http as HttpRequest;
use Magento\Framework\App\Request\InvalidRequestException;
use Magento\Framework\App\RequestInterface;
use Magento\Framework\Controller\Result\Json;
use Magento\Framework\Controller\Result\JsonFactory;
use Psr\Log\LoggerInterface;

/**
 * POST /lightbox/webhook/receive: Lightbox's call when a generation ends. Authenticated by
 * its signature, not by a form key. 401 for a bad signature, 503 when the generation is not
 * recorded yet or its output cannot be fetched (Lightbox retries), 200 once applied.
 */
class Receive implements HttpPostActionInterface, CsrfAwareActionInterface
{
    public function __construct(
        private readonly HttpRequest $request,
        private readonly JsonFactory $json,
        private readonly Config $config,
        private readonly JobLedger $ledger,
        private readonly GalleryUpdater $gallery,
        private readonly LoggerInterface $logger,
    ) {
    }

    public function execute(): Json
    {
        $handler = new WebhookHandler($this->config->verifier(), $this->config->client(), $this->config->mediaWriter());
        try {
            // Nothing is looked up for a call that is not Lightbox's.
            $event = $handler->verifiedEvent((string) $this->request->getContent(),
                $this->request->getHeader('Lightbox-Signature') ?: null, time());
            $generationId = (string) $event['data']['generation_id'];
            $job = $this->ledger->find($generationId);
            if ($job === null) {
                return $this->answer(503, 'unknown generation ' . $generationId . '; retry');
            }
            $result = $handler->apply($event);
            if ($result['path'] === null) {
                $this->ledger->finish($generationId, 'failed', null, $result['error']);
                return $this->answer(200, 'recorded as failed');
            }
            $this->gallery->apply($job, $result['path']);
            $this->ledger->finish($generationId, 'applied', $result['path'], null);
            return $this->answer(200, 'applied');
        } catch (SignatureError $error) {
            return $this->answer(401, $error->getMessage());
        } catch (\UnexpectedValueException $error) {
            return $this->answer(400, $error->getMessage());
        } catch (ApiError $error) {
            $this->logger->warning('Lightbox webhook: ' . $error->getMessage());
            return $this->answer(503, 'output not fetched; retry');
        }
    }

    public function createCsrfValidationException(RequestInterface $request): ?InvalidRequestException
    {
        return null;
    }

    public function validateForCsrf(RequestInterface $request): ?bool
    {
        return true;
    }

    private function answer(int $status, string $message): Json
    {
        return $this->json->create()->setHttpResponseCode($status)->setData(['message' => $message]);
    }
}
