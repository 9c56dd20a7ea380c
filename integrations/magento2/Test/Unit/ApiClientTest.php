<?php
declare(strict_types=1);

namespace Lightbox\ImagePipeline\Test\Unit;

use Lightbox\ImagePipeline\Lib\ApiClient;
use Lightbox\ImagePipeline\Lib\ApiError;
use PHPUnit\Framework\TestCase;

final class ApiClientTest extends TestCase
{
    public function testLinksResolveAgainstTheServiceAndPhotosAreTypedByTheirBytes(): void
    {
        $this->assertSame('http://lb:8080/outputs/files/a.jpg', ApiClient::absolute('http://lb:8080/', '/outputs/files/a.jpg'));
        $this->assertSame('https://cdn/x.jpg', ApiClient::absolute('http://lb:8080', 'https://cdn/x.jpg'));
        $this->assertSame('image/jpeg', ApiClient::mediaType("\xFF\xD8\xFF\xE0rest"));
        $this->assertSame('image/png', ApiClient::mediaType("\x89PNG\r\n"));
        $this->assertSame('image/webp', ApiClient::mediaType('RIFF1234WEBPVP8 '));
        $this->assertSame('application/octet-stream', ApiClient::mediaType('text'));
    }

    public function testAnUnreachableServiceIsATransientError(): void
    {
        $socket = stream_socket_server('tcp://127.0.0.1:0');
        $port = (int) substr((string) stream_socket_get_name($socket, false), strrpos((string) stream_socket_get_name($socket, false), ':') + 1);
        fclose($socket);
        try {
            (new ApiClient("http://127.0.0.1:$port", 'key', 5))->status('gen_x');
            $this->fail('expected an error');
        } catch (ApiError $error) {
            $this->assertSame(0, $error->status);
            $this->assertSame('unreachable', $error->errorCode);
            $this->assertTrue($error->isTransient());
        }
    }
}
