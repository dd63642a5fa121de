import Foundation

/// Work over a book's customers spread on every core: consecutive pieces of the ids, each done by `body`, the
/// results given back in the pieces' order, so that put together in order they are what one pass gives
/// (the agenda, the aged balance, the collectors report at 100,000 invoices: issue 23). Small books are done
/// in one piece, on the calling thread.
public enum Chunks {
    public static func map<T>(_ ids: [String], threshold: Int = 2_000, pieces: Int = 8,
                              _ body: @Sendable (ArraySlice<String>) -> T) -> [T] {
        let count = ids.count >= threshold ? pieces : 1
        guard count > 1 else { return [body(ids[...])] }
        let size = (ids.count + count - 1) / count
        var results = [T?](repeating: nil, count: count)
        results.withUnsafeMutableBufferPointer { out in
            nonisolated(unsafe) let out = out
            DispatchQueue.concurrentPerform(iterations: count) { piece in
                out[piece] = body(ids[min(ids.count, piece * size)..<min(ids.count, (piece + 1) * size)])
            }
        }
        return results.map { $0! }
    }
}
