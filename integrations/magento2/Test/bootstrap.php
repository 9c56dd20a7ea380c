<?php
declare(strict_types=1);

// Loads the module's plain classes and tests by their PSR-4 names; nothing of Magento's.
spl_autoload_register(static function (string $class): void {
    $prefix = 'Lightbox\\ImagePipeline\\';
    if (str_starts_with($class, $prefix)) {
        $file = dirname(__DIR__) . '/' . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
        if (is_file($file)) {
            require $file;
        }
    }
});
