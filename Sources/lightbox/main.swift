import ArgumentParser
import Foundation
import LightboxCore

// Exit codes scripts rely on: 0 all succeeded, 1 some images failed, 2 usage error.
do {
    var command = try LightboxCommand.parseAsRoot()
    if let service = command as? AsyncCommand {
        try await service.execute()
    } else {
        try command.run()
    }
} catch let exit as ExitCode {
    Foundation.exit(exit.rawValue)
} catch let error as LightboxError {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    Foundation.exit(error.code == .invalidOption ? 2 : 1)
} catch {
    if LightboxCommand.exitCode(for: error) == .success { LightboxCommand.exit(withError: error) }
    FileHandle.standardError.write(Data((LightboxCommand.fullMessage(for: error) + "\n").utf8))
    Foundation.exit(2)
}
