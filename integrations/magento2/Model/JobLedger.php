<?php
declare(strict_types=1);

namespace Lightbox\ImagePipeline\Model;

use Magento\Framework\App\ResourceConnection;

/** Rows of lightbox_image_job: a generation sent, and what became of it. */
class JobLedger
{
    private const TABLE = 'lightbox_image_job';

    public function __construct(private readonly ResourceConnection $resource)
    {
    }

    /** @param array<string, mixed> $message the queue message the generation was made for */
    public function record(string $generationId, array $message, string $sha256): void
    {
        $connection = $this->resource->getConnection();
        // The same photo again (same Idempotency-Key) answers the same generation: one row.
        $connection->insertOnDuplicate($this->resource->getTableName(self::TABLE), [
            'generation_id' => $generationId, 'product_id' => (int) $message['product_id'],
            'store_id' => (int) $message['store_id'], 'original_file' => (string) $message['file'],
            'label' => (string) $message['label'], 'roles' => implode(',', $message['roles']), 'sha256' => $sha256,
        ], ['product_id', 'store_id', 'original_file', 'label', 'roles']);
    }

    /** @return array<string, mixed>|null */
    public function find(string $generationId): ?array
    {
        $connection = $this->resource->getConnection();
        $row = $connection->fetchRow($connection->select()->from($this->resource->getTableName(self::TABLE))
            ->where('generation_id = ?', $generationId));
        return $row ?: null;
    }

    public function finish(string $generationId, string $status, ?string $resultFile, ?string $error): void
    {
        $this->resource->getConnection()->update($this->resource->getTableName(self::TABLE),
            ['status' => $status, 'result_file' => $resultFile, 'error' => $error], ['generation_id = ?' => $generationId]);
    }
}
