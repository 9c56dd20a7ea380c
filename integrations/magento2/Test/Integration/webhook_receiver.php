<?php
declare(strict_types=1);

// A store's webhook endpoint for the integration test, under `php -S`: the module's plain
// WebhookHandler with the Lightbox service's secret. Each call is logged as one JSON line
// (its raw body and signature, and what came of it) to LIGHTBOX_TEST_LOG.
require __DIR__ . '/../bootstrap.php';

use Lightbox\ImagePipeline\Lib\ApiClient;
use Lightbox\ImagePipeline\Lib\MediaWriter;
use Lightbox\ImagePipeline\Lib\SignatureError;
use Lightbox\ImagePipeline\Lib\SignatureVerifier;
use Lightbox\ImagePipeline\Lib\WebhookHandler;

$body = (string) file_get_contents('php://input');
$signature = $_SERVER['HTTP_LIGHTBOX_SIGNATURE'] ?? null;
$handler = new WebhookHandler(
    new SignatureVerifier((string) file_get_contents((string) getenv('LIGHTBOX_SECRET_FILE'))),
    new ApiClient((string) getenv('LIGHTBOX_URL'), (string) getenv('LIGHTBOX_KEY')),
    new MediaWriter((string) getenv('LIGHTBOX_MEDIA_ROOT')),
);
$entry = ['body' => $body, 'signature' => $signature, 'webhook_id' => $_SERVER['HTTP_LIGHTBOX_WEBHOOK_ID'] ?? null];
try {
    $entry['result'] = $handler->handle($body, $signature, time());
    http_response_code(200);
} catch (SignatureError $error) {
    $entry['refused'] = $error->getMessage();
    http_response_code(401);
}
file_put_contents((string) getenv('LIGHTBOX_TEST_LOG'), json_encode($entry) . "\n", FILE_APPEND | LOCK_EX);
header('Content-Type: application/json');
echo json_encode(['ok' => !isset($entry['refused'])]);
