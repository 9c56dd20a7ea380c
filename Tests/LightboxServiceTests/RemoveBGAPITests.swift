import Foundation
import LightboxCore
import LightboxTestSupport
import NIOHTTP1
import Testing
import ZIPFoundation

/// `POST /v1.0/removebg` and `GET /v1.0/account` over real HTTP with the real model. The
/// lipstick photo is 1200x1600 with the lipstick at (610, 723)–(695, 1101); `preview`
/// renders it at 0.25 MP, 433x577.
@Suite(.serialized) struct RemoveBGAPITests {
    static var photo: Data { get throws { try Fixtures.data("lipstick-small.jpg") } }
    static var previewScale: Double { (250_000.0 / (1200 * 1600)).squareRoot() }

    /// A multipart post the way remove.bg's docs show it: the file as `image_file`.
    static func post(_ service: ServiceHarness, key: String?, file: Data? = Data("photo".utf8), _ fields: [(String, String)],
                     headers: [String: String] = [:]) async throws -> APIClient.Reply {
        // The default argument cannot throw: a marker stands for the lipstick photo.
        let file = file == Data("photo".utf8) ? try photo : file
        let boundary = "removebg-test-\(UUID().uuidString)"
        var body = Data()
        if let file {
            body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"image_file\"; filename=\"p.jpg\"\r\n\r\n".utf8)
            body += file + Data("\r\n".utf8)
        }
        for (name, value) in fields {
            body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        body += Data("--\(boundary)--\r\n".utf8)
        var all = headers
        if let key { all["X-Api-Key"] = key }
        return try await service.send(.POST, "/v1.0/removebg", headers: all, body: body,
                                      contentType: "multipart/form-data; boundary=\(boundary)")
    }

    /// A multipart post with several files (the photo, a background photo).
    static func postFiles(_ service: ServiceHarness, key: String, _ files: [(String, Data)], _ fields: [(String, String)])
        async throws -> APIClient.Reply {
        let boundary = "removebg-test-\(UUID().uuidString)"
        var body = Data()
        for (name, data) in files {
            body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"; filename=\"f.jpg\"\r\n\r\n".utf8)
            body += data + Data("\r\n".utf8)
        }
        for (name, value) in fields {
            body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        body += Data("--\(boundary)--\r\n".utf8)
        return try await service.send(.POST, "/v1.0/removebg", headers: ["X-Api-Key": key], body: body,
                                      contentType: "multipart/form-data; boundary=\(boundary)")
    }

    static func foreground(_ reply: APIClient.Reply) -> PixelRect {
        let value = { (name: String) in Int(reply.headers["x-foreground-\(name)"] ?? "") ?? -1 }
        return PixelRect(x: value("left"), y: value("top"), width: value("width"), height: value("height"))
    }

    @Test func aPhotoComesBackCutOutInItsOwnFrameWithRemoveBGsHeaders() async throws {
        let service = try await ServiceHarness.start(workers: 1)
        let key = try await service.key(credits: 5)
        let reply = try await Self.post(service, key: key, [("size", "preview")])
        #expect(reply.status == 200, "\(String(decoding: reply.body, as: UTF8.self))")
        #expect(reply.headers["content-type"] == "image/png" && reply.headers["x-type"] == "product")
        #expect(reply.headers["x-credits-charged"] == "1")
        let pixels = try Pixels(decoding: reply.body)
        #expect(pixels.bands == 4 && pixels.width == 433 && pixels.height == 577, "auto is PNG with alpha at ≤0.25 MP")
        #expect(reply.headers["x-width"] == "433" && reply.headers["x-height"] == "577")
        // The product stays where it stood in the photo.
        let frame = Self.foreground(reply)
        let expected = PixelRect(x: Int(610 * Self.previewScale), y: Int(723 * Self.previewScale),
                                 width: Int(85 * Self.previewScale), height: Int(378 * Self.previewScale))
        #expect(abs(frame.x - expected.x) <= 6 && abs(frame.y - expected.y) <= 6, "\(frame) vs \(expected)")
        #expect(abs(frame.width - expected.width) <= 8 && abs(frame.height - expected.height) <= 8, "\(frame)")
        let opaque = try #require(pixels.boundingBox { pixels[$0, $1, 3] > 24 })
        #expect(abs(opaque.x - frame.x) <= 2 && abs(opaque.width - frame.width) <= 3, "headers match the pixels")
        #expect(pixels[5, 5, 3] == 0 && pixels[frame.x + frame.width / 2, frame.y + frame.height / 2, 3] == 255)

        // The same request again is the same image, not a second charge.
        let again = try await Self.post(service, key: key, [("size", "preview")])
        #expect(again.status == 200 && again.body == reply.body && again.headers["x-credits-charged"] == "0")
        let account = try await service.send(.GET, "/v1.0/account", headers: ["X-Api-Key": key]).json
        let credits = (account["data"] as? [String: Any]).flatMap { $0["attributes"] as? [String: Any] }
            .flatMap { $0["credits"] as? [String: Any] }
        #expect(credits?["total"] as? Int == 4 && credits?["payg"] as? Int == 4 && credits?["subscription"] as? Int == 0)

        let metrics = String(decoding: try await service.send(.GET, "/metrics").body, as: UTF8.self)
        #expect(metrics.contains(#"lightbox_removebg_requests_total{result="completed"} 2"#), "\(metrics)")
        await service.stop()
    }

    @Test func cropMarginScalePositionAndRegionShapeTheFrame() async throws {
        let service = try await ServiceHarness.start(workers: 1)
        let key = try await service.key(credits: 10)
        let plain = Self.foreground(try await Self.post(service, key: key, [("size", "preview")]))

        let cropped = try await Self.post(service, key: key, [("size", "preview"), ("crop", "true"), ("crop_margin", "10px 20px")])
        let box = Self.foreground(cropped)
        #expect(cropped.status == 200 && box.x == 20 && box.y == 10, "\(cropped.headers)")
        let croppedPixels = try Pixels(decoding: cropped.body)
        #expect(croppedPixels.width == box.width + 40 && croppedPixels.height == box.height + 20)

        let percent = Self.foreground(try await Self.post(service, key: key, [("size", "preview"), ("crop", "true"),
                                                                              ("crop_margin", "50%")]))
        #expect(abs(percent.x - plain.width / 2) <= 1 && abs(percent.y - plain.height / 2) <= 1, "50% of the subject")

        // Half the frame, centred by default once scaled.
        let scaled = try await Self.post(service, key: key, [("size", "preview"), ("scale", "50%")])
        let half = Self.foreground(scaled)
        #expect(abs(half.height - 577 / 2) <= 2, "the taller side fills half the frame: \(half)")
        #expect(abs(half.x + half.width / 2 - 433 / 2) <= 2 && abs(half.y + half.height / 2 - 577 / 2) <= 2)

        let corner = Self.foreground(try await Self.post(service, key: key, [("size", "preview"), ("scale", "50%"),
                                                                             ("position", "0% 100%")]))
        #expect(corner.x == 0 && corner.y + corner.height == 577, "bottom left: \(corner)")

        // Only the left 54% may be product: the lipstick's right part is cut off.
        let region = try await Self.post(service, key: key, [("size", "preview"), ("roi", "0% 0% 54% 100%")])
        let clipped = Self.foreground(region)
        #expect(clipped.x + clipped.width <= Int((0.54 * 433).rounded()) + 1 && clipped.width < plain.width, "\(clipped)")
        let pixels = try Pixels(decoding: region.body)
        #expect(pixels.boundingBox { $0 > 240 && pixels[$0, $1, 3] > 24 } == nil, "nothing kept right of the region")
        await service.stop()
    }

    @Test func formatsChannelsColoursAndJSON() async throws {
        let service = try await ServiceHarness.start(workers: 1)
        let key = try await service.key(credits: 12)
        // A colour makes auto a JPEG, painted to the corners.
        let green = try await Self.post(service, key: key, [("size", "preview"), ("bg_color", "00ff00")])
        #expect(green.headers["content-type"] == "image/jpeg")
        let greenPixels = try Pixels(decoding: green.body)
        #expect(greenPixels.bands == 3)
        for (x, y) in [(2, 2), (430, 2), (2, 574), (430, 574)] {
            let pixel = greenPixels.pixel(x, y)
            #expect(pixel[0] < 20 && pixel[1] > 235 && pixel[2] < 20, "corner \(x),\(y): \(pixel)")
        }
        let named = try await Self.post(service, key: key, [("size", "preview"), ("bg_color", "white"), ("format", "webp")])
        let namedCorner = try Pixels(decoding: named.body).pixel(2, 2)
        #expect(named.headers["content-type"] == "image/webp" && namedCorner[0] > 245)

        // A background photo covers the frame, behind the product; its own bytes, or a URL.
        let wallData = try Fixtures.data("flat-wall.jpg")
        let wall = try Pixels(decoding: wallData)
        let onWall = try await Self.postFiles(service, key: key, [("image_file", try Self.photo), ("bg_image_file", wallData)],
                                              [("size", "preview")])
        #expect(onWall.status == 200 && onWall.headers["content-type"] == "image/jpeg", "\(onWall.json)")
        let wallPixels = try Pixels(decoding: onWall.body)
        for (x, y) in [(2, 2), (430, 574)] {
            let (got, want) = (wallPixels.pixel(x, y), wall.pixel(400, 300))
            #expect(zip(got, want).allSatisfy { abs($0 - $1) <= 12 }, "the wall behind the product at \(x),\(y): \(got) vs \(want)")
        }
        let both = try await Self.postFiles(service, key: key, [("image_file", try Self.photo), ("bg_image_file", wallData)],
                                            [("bg_color", "red")])
        #expect(both.status == 400 && Self.error(both)?.title.contains("not both") == true)
        let notImage = try await Self.postFiles(service, key: key, [("image_file", try Self.photo),
                                                                    ("bg_image_file", Data("nope".utf8))], [])
        #expect(notImage.status == 415 && Self.error(notImage)?.title.hasPrefix("bg_image_file") == true, "\(notImage.json)")

        let alpha = try await Self.post(service, key: key, [("size", "preview"), ("channels", "alpha"), ("format", "png")])
        let matte = try Pixels(decoding: alpha.body)
        #expect(matte.bands == 1 && matte.width == 433, "the matte alone is one grey band")
        let frame = Self.foreground(alpha)
        #expect(matte[2, 2] == 0 && matte[frame.x + frame.width / 2, frame.y + frame.height / 2] == 255)

        let zipped = try await Self.post(service, key: key, [("size", "preview"), ("format", "zip")])
        #expect(zipped.headers["content-type"] == "application/zip")
        let archive = try Archive(data: zipped.body, accessMode: .read)
        var files: [String: Data] = [:]
        for entry in archive {
            var data = Data()
            _ = try archive.extract(entry) { data.append($0) }
            files[entry.path] = data
        }
        #expect(Set(files.keys) == ["color.jpg", "alpha.png"])
        let colour = try Pixels(decoding: try #require(files["color.jpg"]))
        let zipAlpha = try Pixels(decoding: try #require(files["alpha.png"]))
        #expect(colour.bands == 3 && zipAlpha.bands == 1 && colour.width == zipAlpha.width && zipAlpha.values == matte.values)

        // JSON in, JSON out.
        let json = try JSONSerialization.data(withJSONObject: ["image_file_b64": try Self.photo.base64EncodedString(),
                                                               "size": "preview", "crop": true])
        let reply = try await service.send(.POST, "/v1.0/removebg", headers: ["X-Api-Key": key, "Accept": "application/json"],
                                           body: json, contentType: "application/json")
        let data = try #require(reply.json["data"] as? [String: Any], "\(reply.json)")
        let image = try Pixels(decoding: try #require(Data(base64Encoded: data["result_b64"] as? String ?? "")))
        #expect(image.width == data["foreground_width"] as? Int && data["foreground_left"] as? Int == 0)

        // Form-encoded, with the bearer key.
        let form = try "image_file_b64=" + Self.photo.base64EncodedString()
            .addingPercentEncoding(withAllowedCharacters: .alphanumerics)! + "&size=preview&type=product&semitransparency=true"
        let encoded = try await service.send(.POST, "/v1.0/removebg", key: key, body: Data(form.utf8),
                                             contentType: "application/x-www-form-urlencoded")
        #expect(encoded.status == 200 && encoded.headers["x-type"] == "product" && encoded.headers["content-type"] == "image/png")
        await service.stop()
    }

    @Test func aPhotoAtAURLGoesThroughTheURLGuard() async throws {
        let site = try await StoreSite.start(photo: try Self.photo, failFirst: 0)
        defer { site.stop() }
        let service = try await ServiceHarness.start(workers: 1) { $0.allowPrivateURLs = true }
        let key = try await service.key()
        let reply = try await Self.post(service, key: key, file: nil,
                                        [("image_url", "http://127.0.0.1:\(site.port)/photo.jpg"), ("size", "preview")])
        #expect(reply.status == 200)
        #expect(try Pixels(decoding: reply.body).width == 433)
        await service.stop()

        let guarded = try await ServiceHarness.start(workers: 0)
        let guardedKey = try await guarded.key()
        let refused = try await Self.post(guarded, key: guardedKey, file: nil, [("image_url", "http://127.0.0.1:\(site.port)/photo.jpg")])
        #expect(refused.status == 400 && Self.error(refused)?.code == "url_forbidden")
        await guarded.stop()
    }

    static func error(_ reply: APIClient.Reply) -> (title: String, code: String)? {
        guard let entry = (reply.json["errors"] as? [[String: Any]])?.first, let code = entry["code"] as? String else { return nil }
        return (entry["title"] as? String ?? "", code)
    }

    @Test func errorsComeInRemoveBGsShapeWithItsStatuses() async throws {
        let service = try await ServiceHarness.start(workers: 1) {
            $0.maxUploadBytes = 1_000_000
            $0.rateBurst = 30
            $0.ratePerMinute = 1
        }
        let key = try await service.key(credits: 1)
        let big = Data(repeating: 0xFF, count: 1_200_000)
        let cases: [(String, APIClient.Reply, Int, String, String)] = [
            ("no key", try await Self.post(service, key: nil, []), 403, "auth_failed", "X-Api-Key"),
            ("wrong key", try await Self.post(service, key: "lb_acct00_" + String(repeating: "0", count: 64), []), 403,
             "auth_failed", "X-Api-Key"),
            ("no image", try await Self.post(service, key: key, file: nil, [("size", "preview")]), 400, "missing_source",
             "image_file"),
            ("bad size", try await Self.post(service, key: key, [("size", "huge")]), 400, "invalid_parameter", "size"),
            ("bad format", try await Self.post(service, key: key, [("format", "gif")]), 400, "invalid_parameter", "format"),
            ("bad margin", try await Self.post(service, key: key, [("crop", "true"), ("crop_margin", "600px")]), 400,
             "invalid_parameter", "crop_margin"),
            ("bad scale", try await Self.post(service, key: key, [("scale", "5%")]), 400, "invalid_parameter", "scale"),
            ("bad roi", try await Self.post(service, key: key, [("roi", "0 0 10")]), 400, "invalid_parameter", "roi"),
            ("bad colour", try await Self.post(service, key: key, [("bg_color", "notacolour")]), 400, "invalid_parameter",
             "bg_color"),
            ("unknown", try await Self.post(service, key: key, [("colour", "red")]), 400, "invalid_parameter", "colour"),
            ("not an image", try await Self.post(service, key: key, file: Data("hello".utf8), []), 415,
             "unsupported_media_type", "JPEG"),
            ("too large", try await Self.post(service, key: key, file: big, []), 413, "file_too_large", "limit"),
            ("wrong body", try await service.send(.POST, "/v1.0/removebg", headers: ["X-Api-Key": key], body: Data("x".utf8),
                                                  contentType: "text/plain"), 415, "unsupported_media_type", "multipart"),
            ("nothing there", try await Self.post(service, key: key, file: try Fixtures.data("flat-wall.jpg"), [("size", "preview")]),
             400, "unknown_foreground", "No product"),
        ]
        for (label, reply, status, code, named) in cases {
            let error = Self.error(reply)
            #expect(reply.status == status && error?.code == code, "\(label): \(reply.status) \(reply.json)")
            #expect(error?.title.contains(named) == true, "\(label) names \(named): \(error?.title ?? "")")
        }
        // The one credit pays for one image; then 402.
        #expect(try await Self.post(service, key: key, [("size", "preview")]).status == 200)
        let broke = try await Self.post(service, key: key, [("size", "preview"), ("bg_color", "red")])
        #expect(broke.status == 402 && Self.error(broke)?.code == "insufficient_credits")

        // Over the rate: 429 with the headers remove.bg clients back off by.
        var limited: APIClient.Reply?
        for _ in 0..<40 where limited == nil {
            let reply = try await service.send(.GET, "/v1.0/account", headers: ["X-Api-Key": key])
            if reply.status == 429 { limited = reply }
        }
        let reply = try #require(limited)
        #expect(Self.error(reply)?.code == "rate_limit_exceeded" && Int(reply.headers["retry-after"] ?? "") ?? 0 >= 1)
        #expect(reply.headers["x-ratelimit-limit"] == "30" && reply.headers["x-ratelimit-remaining"] == "0")
        #expect(Int(reply.headers["x-ratelimit-reset"] ?? "") ?? 0 > Int(Date().timeIntervalSince1970))
        await service.stop()
    }

    @Test func aRequestNoWorkerTakesTimesOutUnchargedWith503() async throws {
        let service = try await ServiceHarness.start(workers: 0) { $0.syncTimeoutSeconds = 1 }
        let key = try await service.key(credits: 2)
        let reply = try await Self.post(service, key: key, [("size", "preview")])
        #expect(reply.status == 503 && Self.error(reply)?.title.contains("not charged") == true, "\(reply.json)")
        let account = try await service.send(.GET, "/v1/account", key: key).json
        #expect(account["available"] as? Int == 2 && account["charged"] as? Int == 0)
        let metrics = String(decoding: try await service.send(.GET, "/metrics").body, as: UTF8.self)
        #expect(metrics.contains(#"lightbox_removebg_requests_total{result="not_taken"} 1"#), "\(metrics)")
        await service.stop()
    }
}
