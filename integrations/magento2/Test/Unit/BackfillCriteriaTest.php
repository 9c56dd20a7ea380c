<?php
declare(strict_types=1);

namespace Lightbox\ImagePipeline\Test\Unit;

use Lightbox\ImagePipeline\Lib\BackfillCriteria;
use PHPUnit\Framework\TestCase;

final class BackfillCriteriaTest extends TestCase
{
    public function testFlagsAreReadAndTheGlobBecomesALikePattern(): void
    {
        $criteria = BackfillCriteria::fromOptions(['since' => '2026-11-01', 'sku-pattern' => 'MB_0*', 'category-id' => '12',
            'limit' => '50', 'dry-run' => true, 'all' => false]);
        $this->assertSame('2026-11-01 00:00:00', $criteria->sinceTimestamp());
        $this->assertSame('MB\\_0%', $criteria->skuLike());
        $this->assertSame(12, $criteria->categoryId);
        $this->assertSame(50, $criteria->limit);
        $this->assertTrue($criteria->dryRun);
        $this->assertTrue($criteria->matchesSku('MB_01'));
        $this->assertFalse($criteria->matchesSku('MBX01'));
        $all = BackfillCriteria::fromOptions(['all' => true]);
        $this->assertNull($all->skuLike());
        $this->assertTrue($all->matchesSku('anything'));
    }

    /** @return array<string, array{0: array<string, mixed>, 1: string}> */
    public static function refusals(): array
    {
        return [
            'nothing chosen' => [['limit' => '5'], 'Say which products'],
            'a date that is not one' => [['since' => '2026-02-30'], '--since'],
            'another date format' => [['since' => '11/30/2026'], '--since'],
            'a pattern with SQL in it' => [['sku-pattern' => "x'; DROP TABLE"], '--sku-pattern'],
            'a category that is not a number' => [['category-id' => 'bags'], '--category-id'],
            'a zero limit' => [['all' => true, 'limit' => '0'], '--limit'],
        ];
    }

    /**
     * @dataProvider refusals
     * @param array<string, mixed> $options
     */
    public function testBadFlagsAreRefusedByName(array $options, string $named): void
    {
        $this->expectException(\InvalidArgumentException::class);
        $this->expectExceptionMessage($named);
        BackfillCriteria::fromOptions($options);
    }
}
