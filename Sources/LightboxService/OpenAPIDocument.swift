/// `GET /openapi.yaml`: the API as it is served, in OpenAPI 3.1.
enum OpenAPIDocument {
    /// What the three queueing endpoints answer, in YAML's flow style so that it fits on one line.
    private static let queuedResponses = "{\"202\": {description: Queued, content: {application/json: {schema: "
        + "{$ref: \"#/components/schemas/Accepted\"}}}}, "
        + ["400", "401", "402", "413", "415", "422", "429"].map { "\"\($0)\": {$ref: \"#/components/responses/Error\"}" }
            .joined(separator: ", ") + "}"

    /// What approving or rejecting a review answers.
    private static let decisionResponses = "{\"200\": {description: Decided, content: {application/json: {schema: "
        + "{$ref: \"#/components/schemas/Generation\"}}}}, "
        + ["401", "404", "409"].map { "\"\($0)\": {$ref: \"#/components/responses/Error\"}" }.joined(separator: ", ") + "}"

    static let yaml = """
    openapi: 3.1.0
    info:
      title: Lightbox
      version: "1.0"
      description: >-
        Self-hosted product photography: post a photo, get a studio shot. Generations are queued;
        poll GET /v1/image/{id} until the status is completed or failed. POST /v1.0/removebg speaks
        remove.bg's API v1.0 and answers with the image.
    servers:
      - url: /
    security:
      - bearer: []
      - apiKey: []
    paths:
      /v1/image/product-photo:
        post:
          summary: Queue a product photo for a studio shot
          operationId: createProductPhoto
          parameters: [{$ref: "#/components/parameters/IdempotencyKey"}]
          requestBody: {$ref: "#/components/requestBodies/ProductPhoto"}
          responses: \(queuedResponses)
      /v1/image/remove-background:
        post:
          summary: Queue a transparent PNG cutout of the photo, in the photo's own frame
          operationId: createCutout
          parameters: [{$ref: "#/components/parameters/IdempotencyKey"}]
          requestBody:
            required: true
            content:
              application/json:
                schema: {$ref: "#/components/schemas/CutoutRequest"}
              multipart/form-data:
                schema: {$ref: "#/components/schemas/CutoutUpload"}
          responses: \(queuedResponses)
      /v1/image/preset-sheet:
        post:
          summary: Queue the photo over every preset × shadow type, one labelled PNG to choose a look from
          operationId: createPresetSheet
          parameters: [{$ref: "#/components/parameters/IdempotencyKey"}]
          requestBody:
            required: true
            content:
              application/json:
                schema: {$ref: "#/components/schemas/SheetRequest"}
              multipart/form-data:
                schema: {$ref: "#/components/schemas/SheetUpload"}
          responses: \(queuedResponses)
      /v1/image/replace-background:
        post:
          summary: Queue the product on the scene a prompt describes
          operationId: replaceBackground
          parameters: [{$ref: "#/components/parameters/IdempotencyKey"}]
          requestBody:
            required: true
            content:
              application/json:
                schema:
                  allOf:
                    - {$ref: "#/components/schemas/ProductPhotoRequest"}
                    - {type: object, required: [prompt], properties: {prompt: {type: string, minLength: 1, maxLength: 1000}}}
          responses: \(queuedResponses)
      /v1.0/removebg:
        post:
          summary: remove.bg API v1.0, answered synchronously
          operationId: removeBackground
          security: [{apiKey: []}, {bearer: []}]
          requestBody:
            required: true
            content:
              multipart/form-data:
                schema:
                  allOf:
                    - {$ref: "#/components/schemas/RemoveBGParameters"}
                    - type: object
                      required: [image_file]
                      properties:
                        image_file: {type: string, contentMediaType: application/octet-stream}
              application/x-www-form-urlencoded:
                schema: {$ref: "#/components/schemas/RemoveBGByValue"}
              application/json:
                schema: {$ref: "#/components/schemas/RemoveBGByValue"}
          responses:
            "200":
              description: >-
                The image (PNG, JPEG, WebP, or a ZIP of color.jpg and alpha.png), with X-Type, X-Width,
                X-Height, X-Credits-Charged and X-Foreground-Top/Left/Width/Height; JSON with Accept: application/json
              content:
                image/png: {}
                image/jpeg: {}
                image/webp: {}
                application/zip: {}
                application/json:
                  schema:
                    type: object
                    properties:
                      data:
                        type: object
                        properties:
                          result_b64: {type: string}
                          foreground_top: {type: integer}
                          foreground_left: {type: integer}
                          foreground_width: {type: integer}
                          foreground_height: {type: integer}
            "400": {$ref: "#/components/responses/RemoveBGError"}
            "402": {$ref: "#/components/responses/RemoveBGError"}
            "403": {$ref: "#/components/responses/RemoveBGError"}
            "413": {$ref: "#/components/responses/RemoveBGError"}
            "415": {$ref: "#/components/responses/RemoveBGError"}
            "429": {$ref: "#/components/responses/RemoveBGError"}
            "500": {$ref: "#/components/responses/RemoveBGError"}
            "503": {$ref: "#/components/responses/RemoveBGError"}
            "504": {$ref: "#/components/responses/RemoveBGError"}
      /v1.0/account:
        get:
          summary: remove.bg's account view of the key's credits
          operationId: getRemoveBGAccount
          security: [{apiKey: []}, {bearer: []}]
          responses:
            "200":
              description: Credits (all pay-as-you-go here; no free calls)
              content:
                application/json:
                  schema:
                    type: object
                    properties:
                      data:
                        type: object
                        properties:
                          attributes:
                            type: object
                            properties:
                              credits:
                                type: object
                                properties:
                                  total: {type: integer}
                                  subscription: {type: integer}
                                  payg: {type: integer}
                                  enterprise: {type: integer}
                              api:
                                type: object
                                properties:
                                  free_calls: {type: integer}
                                  sizes: {type: string}
            "403": {$ref: "#/components/responses/RemoveBGError"}
            "429": {$ref: "#/components/responses/RemoveBGError"}
      /v1/image/{id}:
        parameters:
          - {name: id, in: path, required: true, schema: {type: string}}
        get:
          summary: A generation's status and outputs
          operationId: getGeneration
          responses:
            "200":
              description: The generation
              content:
                application/json:
                  schema: {$ref: "#/components/schemas/Generation"}
            "401": {$ref: "#/components/responses/Error"}
            "404": {$ref: "#/components/responses/Error"}
        delete:
          summary: Cancel a queued generation and refund it
          operationId: cancelGeneration
          responses:
            "200":
              description: Cancelled
              content:
                application/json:
                  schema: {$ref: "#/components/schemas/Generation"}
            "400": {$ref: "#/components/responses/Error"}
            "401": {$ref: "#/components/responses/Error"}
            "404": {$ref: "#/components/responses/Error"}
      /v1/image/{id}/preview:
        parameters:
          - {name: id, in: path, required: true, schema: {type: string}}
        get:
          summary: The first output, for its owner, published or not (a generated angle before approval)
          operationId: getGenerationPreview
          responses:
            "200":
              description: The image bytes
              content:
                image/jpeg: {}
                image/png: {}
                image/webp: {}
                image/avif: {}
            "401": {$ref: "#/components/responses/Error"}
            "404": {$ref: "#/components/responses/Error"}
      /v1/image/{id}/input:
        parameters:
          - {name: id, in: path, required: true, schema: {type: string}}
        get:
          summary: The photo as it was sent, for its owner
          operationId: getGenerationInput
          responses:
            "200":
              description: The image bytes
              content:
                image/jpeg: {}
                image/png: {}
                image/webp: {}
                image/heif: {}
                image/tiff: {}
            "401": {$ref: "#/components/responses/Error"}
            "404": {$ref: "#/components/responses/Error"}
      /v1/reviews:
        get:
          summary: The key's generations in the review queue
          operationId: listReviews
          parameters:
            - {name: state, in: query, required: false, schema: {type: string, enum: [pending, approved, rejected], default: pending}}
          responses:
            "200":
              description: Oldest first
              content:
                application/json:
                  schema:
                    type: object
                    properties:
                      reviews: {type: array, items: {$ref: "#/components/schemas/Generation"}}
            "400": {$ref: "#/components/responses/Error"}
            "401": {$ref: "#/components/responses/Error"}
      /v1/reviews/{id}/approve:
        parameters:
          - {name: id, in: path, required: true, schema: {type: string}}
        post:
          summary: Publish a result waiting for review (its webhook goes)
          operationId: approveReview
          responses: \(decisionResponses)
      /v1/reviews/{id}/reject:
        parameters:
          - {name: id, in: path, required: true, schema: {type: string}}
        post:
          summary: Reject a result waiting for review (the original stays)
          operationId: rejectReview
          responses: \(decisionResponses)
      /v1/reviews/{id}/fix:
        parameters:
          - {name: id, in: path, required: true, schema: {type: string}}
        post:
          summary: Keep a person's fixes for this photo and render it again as a new generation
          operationId: fixReview
          requestBody:
            required: true
            content:
              application/json:
                schema:
                  type: object
                  required: [hints]
                  properties:
                    hints: {type: string, description: "remove:X,Y or keep:X,Y points (fractions of the photo), separated by ;"}
          responses:
            "202":
              description: The new generation
              content:
                application/json:
                  schema:
                    type: object
                    properties:
                      id: {type: string}
                      generation_id: {type: string}
                      status: {type: string, enum: [pending, processing, completed, failed]}
                      fixes: {type: string}
                      hints: {type: string}
            "400": {$ref: "#/components/responses/Error"}
            "401": {$ref: "#/components/responses/Error"}
            "404": {$ref: "#/components/responses/Error"}
            "409": {$ref: "#/components/responses/Error"}
            "413": {$ref: "#/components/responses/Error"}
            "415": {$ref: "#/components/responses/Error"}
      /v1/reviews/{id}/preview:
        parameters:
          - {name: id, in: path, required: true, schema: {type: string}}
        post:
          summary: The result as these fixes would make it, rendered at once from the cached mask and kept nowhere
          operationId: previewFix
          requestBody:
            required: true
            content:
              application/json:
                schema:
                  type: object
                  properties:
                    hints: {type: string, description: "remove:X,Y or keep:X,Y points; empty for the result as rendered"}
          responses:
            "200":
              description: The image (JPEG, or PNG for a transparent background), with Lightbox-Render-Ms and Lightbox-Mask headers
              content:
                image/jpeg: {}
                image/png: {}
            "400": {$ref: "#/components/responses/Error"}
            "401": {$ref: "#/components/responses/Error"}
            "404": {$ref: "#/components/responses/Error"}
            "409": {$ref: "#/components/responses/Error"}
            "413": {$ref: "#/components/responses/Error"}
            "415": {$ref: "#/components/responses/Error"}
            "422": {$ref: "#/components/responses/Error"}
      /v1/image/{id}/hints:
        parameters:
          - {name: id, in: path, required: true, schema: {type: string}}
        delete:
          summary: Forget the fixes kept for this generation's photo
          operationId: removeHints
          responses:
            "200": {description: Removed, content: {application/json: {schema: {type: object}}}}
            "401": {$ref: "#/components/responses/Error"}
            "404": {$ref: "#/components/responses/Error"}
      /v1/account:
        get:
          summary: Credits of the key's account
          operationId: getAccount
          responses:
            "200":
              description: The account
              content:
                application/json:
                  schema:
                    type: object
                    properties:
                      account: {type: string}
                      balance: {type: integer}
                      reserved: {type: integer}
                      available: {type: integer}
                      charged: {type: integer}
            "401": {$ref: "#/components/responses/Error"}
      /outputs/files/{name}:
        get:
          summary: An output file, named by its content hash
          operationId: getOutputFile
          security: []
          parameters:
            - {name: name, in: path, required: true, schema: {type: string, pattern: "^[0-9a-f]{32}\\\\.(jpg|webp|avif|png)$"}}
            - {name: If-None-Match, in: header, required: false, schema: {type: string}}
            - {name: expires, in: query, required: false, description: "With --private-outputs: when the signed link expires", schema: {type: integer}}
            - {name: signature, in: query, required: false, description: "With --private-outputs: the link's HMAC", schema: {type: string}}
          responses:
            "200":
              description: The image, with an ETag and immutable caching
              content:
                image/jpeg: {}
                image/webp: {}
                image/avif: {}
                image/png: {}
            "304": {description: Not modified}
            "403": {$ref: "#/components/responses/Error"}
            "404": {$ref: "#/components/responses/Error"}
      /metrics:
        get:
          summary: Prometheus metrics
          operationId: getMetrics
          security: []
          responses:
            "200":
              description: Text exposition format
              content:
                text/plain: {}
      /healthz:
        get:
          summary: The process answers
          operationId: getHealth
          security: []
          responses:
            "200": {description: OK}
      /readyz:
        get:
          summary: The queue answers
          operationId: getReadiness
          security: []
          responses:
            "200": {description: Ready}
      /openapi.yaml:
        get:
          summary: This document
          operationId: getOpenAPI
          security: []
          responses:
            "200":
              description: OpenAPI 3.1
              content:
                application/yaml: {}
    components:
      securitySchemes:
        bearer: {type: http, scheme: bearer}
        apiKey: {type: apiKey, in: header, name: X-Api-Key}
      parameters:
        IdempotencyKey:
          name: Idempotency-Key
          in: header
          required: false
          description: The same key returns the first generation and reserves nothing more.
          schema: {type: string, minLength: 1, maxLength: 255}
      requestBodies:
        ProductPhoto:
          required: true
          content:
            multipart/form-data:
              schema:
                allOf:
                  - {$ref: "#/components/schemas/ProductPhotoFields"}
                  - oneOf:
                      - {type: object, required: [image], properties: {image: {type: string, contentMediaType: application/octet-stream, description: "JPEG, PNG, WebP, HEIC/AVIF or TIFF, at most 25 MB and 50 MP"}}, not: {required: [image_url]}}
                      - {type: object, required: [image_url], properties: {image_url: {$ref: "#/components/schemas/ImageURL"}}, not: {required: [image]}}
            application/json:
              schema: {$ref: "#/components/schemas/ProductPhotoRequest"}
            application/x-www-form-urlencoded:
              schema: {$ref: "#/components/schemas/ProductPhotoRequest"}
      responses:
        RemoveBGError:
          description: An error in remove.bg's shape
          content:
            application/json:
              schema:
                type: object
                required: [errors]
                properties:
                  errors:
                    type: array
                    items:
                      type: object
                      required: [title, code]
                      properties:
                        title: {type: string}
                        code: {type: string}
                        detail: {type: string}
        Error:
          description: An error
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
      schemas:
        Error:
          type: object
          required: [error]
          properties:
            error:
              type: object
              required: [code, message]
              properties:
                code: {type: string}
                message: {type: string}
                request_id: {type: string, description: "on server errors: the id the service's log records the cause under"}
        ImageURL: {type: string, format: uri, description: "http or https, public hosts only, at most 3 redirects, each checked"}
        ProductPhotoFields:
          type: object
          properties:
            webhook_url: {type: string, format: uri, description: "Called with the generation when it ends; signed with Lightbox-Signature"}
            preset: {type: string, description: "white-studio, gradient-light, marble, outdoor, wood-table, concrete, linen, pastel or custom"}
            background_color: {type: string, pattern: "^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$", description: "instead of a preset: a solid colour"}
            background_prompt: {type: string, minLength: 1, maxLength: 1000}
            shadow_type: {type: string, enum: [none, soft, hard, natural, floating]}
            output_format: {type: string, description: "jpeg, webp, avif, png, or a comma list"}
            size: {type: string, pattern: "^[0-9]+[xX*][0-9]+$", description: "WIDTHxHEIGHT, 16 to 8000 each"}
            margin: {type: string, description: "percent of the canvas, 0 to 45"}
            watermark: {type: string, minLength: 1, maxLength: 200}
            seed: {type: [string, integer], description: "0 to 4294967295"}
            straighten: {type: [string, boolean], enum: ["true", "false", true, false]}
            second_look: {type: [string, boolean], enum: ["true", "false", true, false], description: "run the model again on the product's crop: sharper edges, twice the inference time"}
            priority: {type: string, enum: [interactive, batch]}
            fill_angles: {type: [string, integer], description: "0 to 6: gallery size to fill with generated angles, each held for review"}
            gallery_images: {type: [string, integer], description: "0 to 100: gallery images the product has (default 1)"}
            category: {type: string, enum: [general, apparel, footwear, jewellery, bags, beauty, furniture, electronics, food]}
            redraw_angles: {type: [string, boolean], enum: ["true", "false", true, false]}
        ProductPhotoRequest:
          description: A JSON or form body takes the photo by URL.
          allOf:
            - {$ref: "#/components/schemas/ProductPhotoFields"}
            - {type: object, required: [image_url], properties: {image_url: {$ref: "#/components/schemas/ImageURL"}}}
        CutoutRequest:
          type: object
          required: [image_url]
          properties:
            image_url: {$ref: "#/components/schemas/ImageURL"}
            output_format: {type: string, enum: [png, webp, avif]}
            second_look: {type: [string, boolean], enum: ["true", "false", true, false]}
            webhook_url: {type: string, format: uri}
            priority: {type: string, enum: [interactive, batch]}
        CutoutUpload:
          type: object
          oneOf:
            - {type: object, required: [image], properties: {image: {type: string, contentMediaType: application/octet-stream}}, not: {required: [image_url]}}
            - {type: object, required: [image_url], properties: {image_url: {$ref: "#/components/schemas/ImageURL"}}, not: {required: [image]}}
          properties:
            output_format: {type: string, enum: [png, webp, avif]}
            second_look: {type: [string, boolean], enum: ["true", "false", true, false]}
            webhook_url: {type: string, format: uri}
        SheetRequest:
          type: object
          required: [image_url]
          properties:
            image_url: {$ref: "#/components/schemas/ImageURL"}
            size: {type: string, pattern: "^[0-9]+[xX*][0-9]+$", description: "one tile's WIDTHxHEIGHT, 16 to 640 each (default 320x320)"}
            seed: {type: [string, integer], description: "0 to 4294967295"}
            webhook_url: {type: string, format: uri}
            priority: {type: string, enum: [interactive, batch]}
        SheetUpload:
          type: object
          oneOf:
            - {type: object, required: [image], properties: {image: {type: string, contentMediaType: application/octet-stream}}, not: {required: [image_url]}}
            - {type: object, required: [image_url], properties: {image_url: {$ref: "#/components/schemas/ImageURL"}}, not: {required: [image]}}
          properties:
            size: {type: string, pattern: "^[0-9]+[xX*][0-9]+$"}
            seed: {type: [string, integer]}
            webhook_url: {type: string, format: uri}
        RemoveBGByValue:
          description: The photo as base64 or by URL, not both.
          allOf:
            - {$ref: "#/components/schemas/RemoveBGParameters"}
            - oneOf:
                - {type: object, required: [image_file_b64], properties: {image_file_b64: {type: string, contentEncoding: base64}}, not: {required: [image_url]}}
                - {type: object, required: [image_url], properties: {image_url: {$ref: "#/components/schemas/ImageURL"}}, not: {required: [image_file_b64]}}
        RemoveBGParameters:
          type: object
          description: Give exactly one of image_file, image_file_b64 and image_url.
          properties:
            size: {type: string, enum: [auto, preview, full, 50MP, small, regular, medium, hd, 4k]}
            type: {type: string, enum: [auto, person, product, animal, car, car_interior, car_part, transportation, graphics, other]}
            format: {type: string, enum: [auto, png, jpg, webp, zip]}
            channels: {type: string, enum: [rgba, alpha]}
            bg_color: {type: string, description: "hex (81d4fa, fff, 81d4faff with alpha 00 or ff) or a colour name"}
            crop: {type: [string, boolean], enum: ["true", "false", true, false]}
            crop_margin: {type: string, description: "1, 2 or 4 values in px (at most 500) or % (at most 50)"}
            scale: {type: string, description: "original, or 10% to 100%"}
            position: {type: string, description: "original, center, or x% y% from 0% to 100%"}
            roi: {type: string, description: "x1 y1 x2 y2 in px or %"}
            add_shadow: {type: [string, boolean], enum: ["true", "false", true, false]}
            semitransparency: {type: [string, boolean], enum: ["true", "false", true, false]}
        Accepted:
          type: object
          properties:
            id: {type: string}
            generation_id: {type: string}
            status: {type: string, enum: [pending, processing, completed, failed]}
            credits_used: {type: integer}
            pipeline: {type: array, items: {type: string}}
            estimated_seconds: {type: integer}
        Generation:
          type: object
          properties:
            generation_id: {type: string}
            status: {type: string, enum: [pending, processing, completed, failed]}
            attempts: {type: integer}
            output_url: {type: [string, "null"]}
            outputs: {type: object, additionalProperties: {type: string}}
            error:
              oneOf:
                - {type: "null"}
                - {type: object, properties: {code: {type: string}, message: {type: string}}}
            timings_ms: {type: object, additionalProperties: {type: number}}
            qa: {type: [object, "null"]}
            notes: {type: array, items: {type: string}}
            credits_used: {type: integer}
            review:
              type: [object, "null"]
              properties:
                state: {type: string, enum: [pending, approved, rejected, fixed]}
                reason: {type: string, enum: [qa_failed, low_score, touches_edge, fallback_remover, generated_angle]}
                flagged_at: {type: string, format: date-time}
                decided_by: {type: [string, "null"]}
                decided_at: {type: [string, "null"], format: date-time}
            generated: {type: boolean, description: "made by a generative model; outputs are listed once approved"}
            angle:
              type: object
              properties: {view: {type: string}, of: {type: string}, model: {type: string}}
            angles:
              type: object
              properties:
                queued: {type: array, items: {type: string}}
                declined: {type: string}
            webhook:
              type: [object, "null"]
              properties:
                url: {type: string}
                deliveries:
                  type: array
                  items:
                    type: object
                    properties:
                      attempt: {type: integer}
                      at: {type: string, format: date-time}
                      status_code: {type: [integer, "null"]}
                      error: {type: [string, "null"]}
    """
}
