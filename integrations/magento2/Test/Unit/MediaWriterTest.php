<?php
declare(strict_types=1);

namespace Lightbox\ImagePipeline\Test\Unit;

use Lightbox\ImagePipeline\Lib\MediaWriter;
use PHPUnit\Framework\TestCase;

final class MediaWriterTest extends TestCase
{
    private string $root;

    protected function setUp(): void
    {
        $this->root = sys_get_temp_dir() . '/lightbox-media-' . bin2hex(random_bytes(4));
        mkdir($this->root);
    }

    protected function tearDown(): void
    {
        exec('rm -rf ' . escapeshellarg($this->root));
    }

    public function testAFileIsWrittenUnderItsHashReadableByAll(): void
    {
        $bytes = random_bytes(2048);
        $hash = hash('sha256', $bytes);
        $path = (new MediaWriter($this->root))->write($bytes, 'jpg');
        $this->assertSame('/' . $hash[0] . '/' . $hash[1] . '/lbx-' . substr($hash, 0, 32) . '.jpg', $path);
        $this->assertSame($bytes, file_get_contents($this->root . $path));
        $this->assertSame(0644, fileperms($this->root . $path) & 0777);
        $this->assertSame([basename($path)], array_values(array_diff(scandir(dirname($this->root . $path)), ['.', '..'])),
            'no temporary file is left');
        $this->assertTrue(MediaWriter::isOurs($path));
        $this->assertFalse(MediaWriter::isOurs('/m/u/mug.jpg'));
    }

    public function testTheSameBytesAgainKeepTheFileAndOtherBytesGetAnotherName(): void
    {
        $writer = new MediaWriter($this->root);
        $first = $writer->write('one', 'png');
        $inode = fileinode($this->root . $first);
        $this->assertSame($first, $writer->write('one', 'png'));
        $this->assertSame($inode, fileinode($this->root . $first), 'never rewritten in place');
        $this->assertNotSame($first, $writer->write('two', 'png'));
    }

    public function testAnExtensionThatIsNotOneIsRefused(): void
    {
        $this->expectException(\InvalidArgumentException::class);
        (new MediaWriter($this->root))->write('x', '../../etc/passwd');
    }
}
