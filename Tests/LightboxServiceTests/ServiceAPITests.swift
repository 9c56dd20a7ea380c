import Foundation
import NIOHTTP1
import LightboxCore
import LightboxService
import LightboxJobs
import LightboxTestSupport
import Testing
import Yams

@Suite(.serialized) struct ServiceAPITests {
    @Test func aPhotoGoesInAndAStudioShotComesOut() async throws {
        let service = try await ServiceHarness.start()
        let key = try await service.key(credits: 5)
        let accepted = try await service.submit(Fixtures.data("lipstick-small.jpg"),
                                                fields: [("size", "300x300"), ("output_format", "jpeg,webp"),
                                                         ("preset", "white-studio"), ("shadow_type", "soft")], key: key)
        #expect(accepted.status == 202)
        let body = accepted.json
        let id = try #require(body["generation_id"] as? String)
        #expect(body["status"] as? String == "pending" && body["id"] as? String == id && body["credits_used"] as? Int == 1)
        #expect(body["pipeline"] as? [String] == ["remove-background", "replace-background", "add-shadow"])
        #expect((body["estimated_seconds"] as? Int ?? 0) >= 1)

        let done = try await service.finished(id, key: key)
        #expect(done.json["status"] as? String == "completed", "\(done.json)")
        let outputs = try #require(done.json["outputs"] as? [String: String])
        #expect(Set(outputs.keys) == ["jpeg", "webp"])
        #expect(done.json["output_url"] as? String == outputs["jpeg"])
        #expect((done.json["timings_ms"] as? [String: Double])?["segment"] != nil)
        #expect((done.json["qa"] as? [String: Any])?["passed"] as? Bool == true)

        let file = try await service.send(.GET, try #require(outputs["jpeg"]))
        #expect(file.status == 200 && file.headers["content-type"] == "image/jpeg")
        #expect(file.headers["cache-control"] == "public, max-age=31536000, immutable")
        let etag = try #require(file.headers["etag"])
        let pixels = try Pixels(decoding: file.body)
        #expect(pixels.width == 300 && pixels.height == 300)
        #expect(pixels.pixel(3, 3).allSatisfy { $0 >= 240 }, "white studio corner")
        let again = try await service.send(.GET, try #require(outputs["jpeg"]), headers: ["If-None-Match": etag])
        #expect(again.status == 304)

        let account = try await service.send(.GET, "/v1/account", key: key).json
        #expect(account["balance"] as? Int == 4 && account["charged"] as? Int == 1 && account["reserved"] as? Int == 0)

        let metrics = try await service.send(.GET, "/metrics")
        let text = String(decoding: metrics.body, as: UTF8.self)
        #expect(metrics.status == 200 && metrics.headers["content-type"]?.hasPrefix("text/plain") == true)
        #expect(text.contains(#"lightbox_queue_jobs{state="completed"} 1"#), "\(text)")
        #expect(text.contains(#"lightbox_stage_duration_seconds_count{stage="segment"} 1"#))
        #expect(text.contains("lightbox_jobs_completed_total 1"))
        await service.stop()
    }

    @Test func aClientAsksForASecondLookPerRequest() async throws {
        let service = try await ServiceHarness.start()
        let key = try await service.key(credits: 5)
        let refused = try await service.submit(Fixtures.data("mug-wood.jpg"), fields: [("second_look", "maybe")], key: key)
        #expect(refused.status == 400 && refused.error?.code == "invalid_option", "\(refused.json)")
        let accepted = try await service.submit(Fixtures.data("mug-wood.jpg"), fields: [("size", "300x300"), ("second_look", "true")], key: key)
        #expect(accepted.status == 202, "\(accepted.json)")
        let done = try await service.finished(try #require(accepted.json["generation_id"] as? String), key: key)
        #expect(done.json["status"] as? String == "completed", "\(done.json)")
        #expect((done.json["timings_ms"] as? [String: Double])?["second-look"] != nil, "\(done.json)")
        #expect((done.json["notes"] as? [String])?.contains("second look at the product's crop") == true, "\(done.json)")
        await service.stop()
    }

    @Test func badRequestsGetTheirStatusAndOneErrorShape() async throws {
        let service = try await ServiceHarness.start(workers: 0) { $0.maxUploadBytes = 150_000 }
        let key = try await service.key()
        let photo = try Fixtures.data("lipstick-exif6.jpg")
        let cases: [(String, APIClient.Reply, Int, String)] = [
            ("no key", try await service.submit(photo, key: nil), 401, "unauthorized"),
            ("wrong key", try await service.submit(photo, key: "lb_acct00_" + String(repeating: "0", count: 64)), 401, "unauthorized"),
            ("not an image", try await service.submit(Data("hello".utf8), key: key), 415, "unsupported_format"),
            ("empty file", try await service.submit(Data(), key: key), 400, "empty_input"),
            ("no image", try await service.submit(nil, fields: [("size", "300x300")], key: key), 400, "missing_field"),
            ("bad size", try await service.submit(photo, fields: [("size", "abc")], key: key), 400, "invalid_option"),
            ("unknown preset", try await service.submit(photo, fields: [("preset", "#ff0000")], key: key), 400, "invalid_option"),
            ("unknown field", try await service.submit(photo, fields: [("colour", "red")], key: key), 400, "invalid_option"),
            ("bad colour", try await service.submit(photo, fields: [("background_color", "marble")], key: key), 400,
             "invalid_option"),
            ("too big", try await service.submit(Fixtures.data("lipstick-small.jpg"), key: key), 413, "input_too_large"),
            ("bomb", try await service.submit(CraftedFiles.pngHeader(width: 100_000, height: 100_000), key: key),
             422, "image_too_large"),
            ("unknown id", try await service.send(.GET, "/v1/image/gen_missing", key: key), 404, "not_found"),
            ("traversal", try await service.send(.GET, "/outputs/files/..%2Flightbox.sqlite"), 404, "not_found"),
        ]
        for (label, reply, status, code) in cases {
            #expect(reply.status == status, "\(label): \(reply.status) \(reply.json)")
            #expect(reply.error?.code == code, "\(label): \(reply.json)")
            #expect(reply.error?.message.isEmpty == false, "\(label)")
        }
        #expect(cases[5].1.error?.message.contains("for size") == true, "the field is named")
        #expect(cases[6].1.error?.message.contains("for preset") == true)
        let counts = try await service.host.store.counts()
        #expect(counts.values.reduce(0, +) == 0, "nothing was queued")
        await service.stop()
    }

    /// What the studio shows to choose a look: the photo over every preset (rows) × shadow (columns).
    @Test func aPresetSheetIsOneLabelledPNGOfEveryPresetAndShadow() async throws {
        let service = try await ServiceHarness.start(workers: 1)
        let key = try await service.key(credits: 5)
        func post(_ fields: [(String, String)]) async throws -> APIClient.Reply {
            let (body, type) = APIClient.multipart(image: try Fixtures.data("mug-wood.jpg"), fields: fields)
            return try await service.send(.POST, "/v1/image/preset-sheet", key: key, body: body, contentType: type)
        }
        let tooBig = try await post([("size", "1500x1500")])
        #expect(tooBig.status == 400 && tooBig.error?.message.contains("size") == true, "\(tooBig.json)")
        let accepted = try await post([("size", "100x100")])
        #expect(accepted.status == 202 && accepted.json["pipeline"] as? [String] == ["preset-sheet"], "\(accepted.json)")
        let id = try #require(accepted.json["generation_id"] as? String)
        let done = try await service.finished(id, key: key)
        #expect(done.json["status"] as? String == "completed", "\(done.json)")
        let file = try await service.send(.GET, try #require(done.json["output_url"] as? String), key: key)
        let sheet = try Pixels(decoding: file.body)
        // 150 px of row labels, then 5 columns (none, soft, hard, natural, floating) of 100 px tiles with 8 px gaps; 28 px of column labels, 8 rows.
        #expect(file.headers["content-type"] == "image/png" && sheet.width == 150 + 5 * 108 + 8 && sheet.height == 28 + 8 * 108 + 8)
        func tileMean(row: Int, column: Int) -> Double {
            sheet.mean(band: 2, in: PixelRect(x: 150 + column * 108 + 5, y: 28 + row * 108 + 5, width: 20, height: 20))
        }
        // The corners of the tiles show the scenes: white studio and wood table differ from the page grey and each other.
        #expect(tileMean(row: 0, column: 0) > 235 && abs(tileMean(row: 0, column: 0) - tileMean(row: 4, column: 0)) > 10,
                "\(tileMean(row: 0, column: 0)) vs \(tileMean(row: 4, column: 0))")
        let again = try await post([("size", "100x100")])
        #expect(again.json["generation_id"] as? String == id, "the same sheet is the same generation")
        let shot = try await service.submit(try Fixtures.data("mug-wood.jpg"), fields: [("size", "100x100"), ("output_format", "png")], key: key)
        #expect(shot.json["generation_id"] as? String != id, "a sheet is not a shot of the same options")
        await service.stop()
    }

    /// A client reads what went wrong, never where on the server: no paths, no library text;
    /// an unexpected error is "Internal error" with a request id that the log has the cause under.
    @Test func serverSideFailuresShowNoPathsAndInternalOnesARequestID() async throws {
        let service = try await ServiceHarness.start(workers: 1)
        let key = try await service.key(credits: 5)
        let data = try #require(service.host.config.dataFolder)
        let folder = data.path
        // Outputs cannot be written: their folder is a file.
        let outputs = data.appendingPathComponent("outputs")
        try? FileManager.default.removeItem(at: outputs)
        try Data("not a folder".utf8).write(to: outputs)
        let accepted = try await service.submit(try Fixtures.data("mug-wood.jpg"), fields: [("size", "200x200")], key: key)
        let done = try await service.finished(try #require(accepted.json["generation_id"] as? String), key: key)
        #expect(done.json["status"] as? String == "failed" && done.error?.code == "output_failed", "\(done.json)")
        #expect(done.error?.message.contains(folder) == false, "no server path: \(done.error?.message ?? "")")

        // A job the API cannot read: the decoder's own words stay in the log.
        let account = try #require(APIKeys.parse(key)?.account)
        let broken = try await service.host.store.enqueue(NewJob(account: account, payload: Data("{}".utf8), cost: 0), now: Date())
        let reply = try await service.send(.GET, "/v1/image/\(broken.job.id)/input", key: key)
        let detail = try #require(reply.json["error"] as? [String: Any], "\(reply.json)")
        let requestID = try #require(detail["request_id"] as? String)
        #expect(reply.status == 500 && detail["code"] as? String == "internal_error")
        #expect(detail["message"] as? String == "Internal error (request \(requestID))" && requestID.hasPrefix("req_"))
        await service.stop()
    }

    @Test func theOpenAPIDocumentParsesAndDescribesEveryRoute() async throws {
        let service = try await ServiceHarness.start(workers: 0)
        let reply = try await service.send(.GET, "/openapi.yaml")
        let document = try #require(try Yams.load(yaml: String(decoding: reply.body, as: UTF8.self)) as? [String: Any])
        #expect(reply.status == 200 && document["openapi"] as? String == "3.1.0")
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        let routes: [(String, String)] = [
            ("/v1/image/product-photo", "post"), ("/v1/image/remove-background", "post"),
            ("/v1/image/replace-background", "post"), ("/v1/image/preset-sheet", "post"), ("/v1.0/removebg", "post"), ("/v1.0/account", "get"),
            ("/v1/image/{id}", "get"), ("/v1/image/{id}", "delete"), ("/v1/image/{id}/input", "get"), ("/v1/image/{id}/preview", "get"),
            ("/v1/reviews", "get"), ("/v1/reviews/{id}/approve", "post"), ("/v1/reviews/{id}/reject", "post"),
            ("/v1/reviews/{id}/fix", "post"), ("/v1/reviews/{id}/preview", "post"), ("/v1/image/{id}/hints", "delete"),
            ("/v1/account", "get"), ("/outputs/files/{name}", "get"), ("/metrics", "get"), ("/healthz", "get"),
            ("/readyz", "get"), ("/openapi.yaml", "get"),
        ]
        for (path, method) in routes {
            #expect(paths[path]?[method] != nil, "\(method) \(path) is documented")
        }
        #expect(Set(paths.keys) == Set(routes.map(\.0)), "and nothing else")
        #expect(try await service.send(.GET, "/healthz").status == 200)
        #expect(try await service.send(.GET, "/readyz").status == 200)
        await service.stop()
    }

    /// As PixelAPI's SDK calls: JSON bodies with image_url, JSON content type on every request
    /// (GETs too), polls by `id`, and only pending, processing, completed or failed as a status.
    @Test func pixelAPIClientsPostJSONAndPollById() async throws {
        let site = try await StoreSite.start(photo: try Fixtures.data("lipstick-small.jpg"), failFirst: 0)
        defer { site.stop() }
        let service = try await ServiceHarness.start(workers: 1) { $0.allowPrivateURLs = true }
        let key = try await service.key(credits: 10)
        let url = "http://127.0.0.1:\(site.port)/photo.jpg"
        let json = ["Content-Type": "application/json"]
        func post(_ path: String, _ body: [String: Any]) async throws -> APIClient.Reply {
            try await service.send(.POST, path, key: key, body: try JSONSerialization.data(withJSONObject: body),
                                   contentType: "application/json")
        }
        func poll(_ accepted: APIClient.Reply) async throws -> APIClient.Reply {
            let id = try #require(accepted.json["id"] as? String, "\(accepted.json)")
            #expect(accepted.json["generation_id"] as? String == id)
            var seen: Set<String> = []
            let deadline = Date() + 90
            while Date() < deadline {
                let reply = try await service.send(.GET, "/v1/image/\(id)", key: key, headers: json)
                let status = reply.json["status"] as? String ?? "?"
                seen.insert(status)
                if status == "completed" || status == "failed" {
                    #expect(seen.isSubset(of: ["pending", "processing", "completed", "failed"]), "\(seen)")
                    return reply
                }
                try await Task.sleep(for: .milliseconds(100))
            }
            throw CancellationError()
        }

        let cutout = try await post("/v1/image/remove-background", ["image_url": url])
        #expect(cutout.status == 202 && cutout.json["status"] as? String == "pending", "\(cutout.json)")
        #expect(cutout.json["pipeline"] as? [String] == ["remove-background"])
        let done = try await poll(cutout)
        let file = try await service.send(.GET, try #require(done.json["output_url"] as? String), headers: json)
        let pixels = try Pixels(decoding: file.body)
        #expect(file.headers["content-type"] == "image/png" && pixels.bands == 4, "a transparent PNG")
        #expect(pixels.width == 1200 && pixels.height == 1600 && pixels[5, 5, 3] == 0 && pixels[652, 900, 3] == 255)

        let scene = try await post("/v1/image/replace-background", ["image_url": url, "prompt": "on a marble counter",
                                                                      "size": "300x300", "output_format": "jpeg"])
        #expect(scene.status == 202, "\(scene.json)")
        let sceneDone = try await poll(scene)
        #expect(sceneDone.json["status"] as? String == "completed", "\(sceneDone.json)")
        let noPrompt = try await post("/v1/image/replace-background", ["image_url": url])
        #expect(noPrompt.status == 400 && noPrompt.error?.code == "missing_field" && noPrompt.error?.message.contains("prompt") == true)

        let product = try await post("/v1/image/product-photo", ["image_url": url, "size": "200x200", "seed": 3,
                                                                  "background_color": "#00ff00", "output_format": "png"])
        #expect(product.status == 202 && product.json["pipeline"] as? [String] == ["remove-background", "replace-background",
                                                                                    "add-shadow"])
        let productDone = try await poll(product)
        let productFile = try await service.send(.GET, try #require(productDone.json["output_url"] as? String))
        #expect(try Pixels(decoding: productFile.body).pixel(2, 2) == [0, 255, 0], "the colour to the corners")
        let notObject = try await service.send(.POST, "/v1/image/product-photo", key: key, body: Data("[1]".utf8),
                                               contentType: "application/json")
        #expect(notObject.status == 400 && notObject.error?.code == "invalid_option")
        await service.stop()
    }

    @Test func aKnownPathWithAnotherMethodIs405WithAllow() async throws {
        let service = try await ServiceHarness.start(workers: 0)
        let cases: [(HTTPMethod, String, String)] = [
            (.PUT, "/v1/account", "GET"), (.GET, "/v1.0/removebg", "POST"), (.POST, "/v1/image/gen_x", "GET, DELETE"),
            (.DELETE, "/healthz", "GET"),
        ]
        for (method, path, allow) in cases {
            let reply = try await service.send(method, path)
            #expect(reply.status == 405 && reply.headers["allow"] == allow && reply.error?.code == "method_not_allowed",
                    "\(method) \(path): \(reply.status) \(reply.headers)")
        }
        #expect(try await service.send(.GET, "/v2/nothing").status == 404)
        await service.stop()
    }

    @Test func noCreditsGets402AndNothingIsQueued() async throws {
        let service = try await ServiceHarness.start(workers: 0)
        let key = try await service.key(credits: 0)
        let reply = try await service.submit(Fixtures.data("lipstick-exif6.jpg"), key: key)
        #expect(reply.status == 402 && reply.error?.code == "insufficient_credits")
        await service.stop()
    }

    @Test func anIdempotencyKeyQueuesOnceAndAQueuedJobCanBeCancelled() async throws {
        let service = try await ServiceHarness.start(workers: 0)
        let key = try await service.key(credits: 3)
        let photo = try Fixtures.data("lipstick-exif6.jpg")
        let first = try await service.submit(photo, key: key, headers: ["Idempotency-Key": "sku-42"])
        let second = try await service.submit(photo, key: key, headers: ["Idempotency-Key": "sku-42"])
        let id = try #require(first.json["generation_id"] as? String)
        #expect(second.json["generation_id"] as? String == id)
        #expect(try await service.send(.GET, "/v1/account", key: key).json["reserved"] as? Int == 1)
        // Someone else's key cannot see or cancel it.
        let stranger = try await service.key()
        #expect(try await service.send(.DELETE, "/v1/image/\(id)", key: stranger).status == 404)

        // Same key, other parameters: 422. Same photo and options without a key: the same generation.
        let changed = try await service.submit(photo, fields: [("size", "600x600")], key: key,
                                               headers: ["Idempotency-Key": "sku-42"])
        #expect(changed.status == 422 && changed.error?.code == "idempotency_mismatch")
        let duplicate = try await service.submit(photo, key: key)
        #expect(duplicate.status == 202 && duplicate.json["generation_id"] as? String == id)
        #expect(try await service.send(.GET, "/v1/account", key: key).json["reserved"] as? Int == 1)
        let tooLong = try await service.submit(photo, key: key, headers: ["Idempotency-Key": String(repeating: "k", count: 256)])
        #expect(tooLong.status == 400)

        let cancelled = try await service.send(.DELETE, "/v1/image/\(id)", key: key)
        #expect(cancelled.status == 200 && cancelled.json["status"] as? String == "failed")
        #expect((cancelled.json["error"] as? [String: Any])?["code"] as? String == "cancelled")
        let account = try await service.send(.GET, "/v1/account", key: key).json
        #expect(account["reserved"] as? Int == 0 && account["balance"] as? Int == 3)
        #expect(try await service.send(.DELETE, "/v1/image/\(id)", key: key).status == 400, "already cancelled")
        await service.stop()
    }

    @Test func aKeyOverItsRateGets429WithRetryAfter() async throws {
        let service = try await ServiceHarness.start(workers: 0) {
            $0.ratePerMinute = 60
            $0.rateBurst = 2
        }
        let key = try await service.key(), other = try await service.key()
        let statuses = try await (0..<3).asyncMap { _ in try await service.send(.GET, "/v1/account", key: key) }
        #expect(statuses.map(\.status) == [200, 200, 429])
        #expect(statuses[2].error?.code == "rate_limited" && statuses[2].headers["retry-after"] == "1")
        #expect(try await service.send(.GET, "/v1/account", key: other).status == 200, "limits are per key")
        await service.stop()
    }

    @Test func stoppingHandsBackAJobStillRunningWithoutCountingTheAttempt() async throws {
        let service = try await ServiceHarness.start { $0.shutdownGrace = .zero }
        let key = try await service.key()
        let accepted = try await service.submit(Fixtures.data("bottle-exif8.jpg"), key: key)
        let id = try #require(accepted.json["generation_id"] as? String)
        while try await service.host.store.job(id: id)?.state == .queued { try await Task.sleep(for: .milliseconds(10)) }
        await service.stop()
        let job = try #require(try await service.host.store.job(id: id))
        #expect(job.state == .queued && job.attempts == 0 && job.leaseOwner == nil, "\(job.state) \(job.attempts)")
        #expect(try await service.host.store.account(id: job.account)?.charged == 0)
    }
}
