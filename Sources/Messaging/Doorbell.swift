/// A worker's idle wait: until its delay passes or someone rings (a commit queued work for it).
actor Doorbell {
    private var waiting: CheckedContinuation<Void, Never>?

    func ring() {
        waiting?.resume()
        waiting = nil
    }

    func wait(upTo delay: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await Task.sleep(for: delay) }
            group.addTask { await self.listen() }
            await group.next()
            group.cancelAll()
            self.ring()
        }
    }

    private func listen() async {
        await withCheckedContinuation { continuation in
            if let previous = waiting { previous.resume() }
            waiting = continuation
        }
    }
}
