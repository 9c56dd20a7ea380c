import Foundation
import LightboxCore
import Synchronization

/// A paid service's spending for the current UTC day, in images and in dollars, kept in a
/// file so that it survives restarts (the generator's beside its cache). A call reserves
/// its cost first, so that concurrent workers cannot overspend, and commits or releases it after.
final class DailyBudget: Sendable {
    struct Usage: Codable, Equatable {
        var day: String
        var images = 0
        var dollars = 0.0
    }

    private struct State {
        var usage: Usage
        var reservedImages = 0
        var reservedDollars = 0.0
    }

    /// Whose budget, for messages: "generator", "fallback remover".
    let spender: String
    let file: URL
    let dailyImages: Int
    let dailyDollars: Double
    let dollarsPerImage: Double
    private let state: Mutex<State>

    init(spender: String, file: URL, dailyImages: Int, dailyDollars: Double, dollarsPerImage: Double) {
        self.spender = spender
        self.file = file
        self.dailyImages = dailyImages
        self.dailyDollars = dailyDollars
        self.dollarsPerImage = dollarsPerImage
        let stored = (try? Data(contentsOf: file)).flatMap { try? JSONDecoder().decode(Usage.self, from: $0) }
        state = Mutex(State(usage: stored ?? Usage(day: "")))
    }

    /// Holds one image's cost, or throws `budget_exceeded`.
    func reserve(now: Date) throws {
        try state.withLock { state in
            let today = Self.day(of: now)
            if state.usage.day != today { state.usage = Usage(day: today) }
            let images = state.usage.images + state.reservedImages
            let dollars = state.usage.dollars + state.reservedDollars
            guard images + 1 <= dailyImages else {
                throw LightboxError(.budgetExceeded, "The \(spender)'s daily budget of \(dailyImages) images is used up "
                                    + "(\(state.usage.images) used on \(today)); it resets at 00:00 UTC")
            }
            guard dollars + dollarsPerImage <= dailyDollars + 1e-9 else {
                throw LightboxError(.budgetExceeded, "The \(spender)'s daily budget of $\(Self.money(dailyDollars)) is used up "
                                    + "($\(Self.money(state.usage.dollars)) spent on \(today)); it resets at 00:00 UTC")
            }
            state.reservedImages += 1
            state.reservedDollars += dollarsPerImage
        }
    }

    /// The reserved image was generated: count it and save the day's usage.
    func commit() {
        let usage = state.withLock { state in
            state.reservedImages -= 1
            state.reservedDollars -= dollarsPerImage
            state.usage.images += 1
            state.usage.dollars += dollarsPerImage
            return state.usage
        }
        try? FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? JSONEncoder().encode(usage).write(to: file, options: .atomic)
    }

    /// The call failed: nothing was spent.
    func release() {
        state.withLock { state in
            state.reservedImages -= 1
            state.reservedDollars -= dollarsPerImage
        }
    }

    var usage: Usage { state.withLock { $0.usage } }

    static func day(of date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }

    private static func money(_ value: Double) -> String { String(format: "%.2f", value) }
}
