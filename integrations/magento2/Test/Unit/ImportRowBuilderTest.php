<?php
declare(strict_types=1);

namespace Lightbox\ImagePipeline\Test\Unit;

use Lightbox\ImagePipeline\Lib\ImportRowBuilder;
use PHPUnit\Framework\TestCase;

final class ImportRowBuilderTest extends TestCase
{
    public function testRolesAdditionalImagesAndLabelsFillTheirColumns(): void
    {
        $row = ImportRowBuilder::row('24-MB01', 'de', [
            ['path' => '/a/b/lbx-1.jpg', 'roles' => ['image', 'small_image', 'thumbnail'], 'label' => 'Reisetasche'],
            ['path' => '/c/d/lbx-2.jpg', 'roles' => [], 'label' => 'Back, black'],
            ['path' => '/e/f/lbx-3.jpg', 'roles' => ['swatch_image', 'unknown_role'], 'label' => 'Swatch'],
            ['path' => '/g/h/lbx-4.jpg', 'roles' => [], 'label' => 'Side'],
        ]);
        $this->assertSame(ImportRowBuilder::COLUMNS, array_keys($row));
        $this->assertSame(['24-MB01', 'de', '/a/b/lbx-1.jpg', '/a/b/lbx-1.jpg', '/a/b/lbx-1.jpg', '/e/f/lbx-3.jpg',
            '/c/d/lbx-2.jpg,/g/h/lbx-4.jpg', 'Reisetasche', 'Reisetasche', 'Reisetasche', 'Back  black,Side'], array_values($row));
    }

    public function testTheColumnsAreLightboxBatchs(): void
    {
        $swift = (string) file_get_contents(dirname(__DIR__, 4) . '/Sources/LightboxBatch/MagentoImport.swift');
        preg_match('/static let columns = \[(.*?)\]/s', $swift, $match);
        preg_match_all('/"([a-z_]+)"/', $match[1] ?? '', $names);
        $this->assertSame(ImportRowBuilder::COLUMNS, $names[1], 'the module and `lightbox batch --magento-import` write one format');
    }

    public function testRowsWriteAsACsvThatReadsBack(): void
    {
        $rows = [ImportRowBuilder::row('A "quoted", sku', '', [['path' => '/x/lbx-1.jpg', 'roles' => ['image'], 'label' => 'Line "one"']])];
        $lines = array_map('str_getcsv', array_filter(explode("\n", ImportRowBuilder::csv($rows))));
        $this->assertSame(ImportRowBuilder::COLUMNS, $lines[0]);
        $this->assertSame('A "quoted", sku', $lines[1][0]);
        $this->assertSame('Line "one"', $lines[1][7]);
    }

    public function testARowNeedsASku(): void
    {
        $this->expectException(\InvalidArgumentException::class);
        ImportRowBuilder::row('', '', []);
    }
}
