/// `GET /openapi.yaml`: the API as it is served, in OpenAPI 3.1.
enum OpenAPIDocument {
    static let yaml = """
    openapi: 3.1.0
    info:
      title: Lightbox
      version: "1.0"
      description: >-
        Self-hosted product photography: post a photo, get a studio shot. Generations are queued;
        poll GET /v1/image/{id} until the status is completed or failed.
    servers:
      - url: /
    security:
      - bearer: []
    paths:
      /v1/image/product-photo:
        post:
          summary: Queue a product photo for a studio shot
          operationId: createProductPhoto
          parameters:
            - name: Idempotency-Key
              in: header
              required: false
              description: The same key returns the first generation and reserves nothing more.
              schema: {type: string, maxLength: 200}
          requestBody:
            required: true
            content:
              multipart/form-data:
                schema:
                  type: object
                  description: Give image or image_url.
                  properties:
                    image: {type: string, contentMediaType: application/octet-stream, description: "JPEG, PNG, WebP, HEIC/AVIF or TIFF, at most 25 MB and 50 MP"}
                    image_url: {type: string, format: uri, description: "http or https, public hosts only, no redirects"}
                    webhook_url: {type: string, format: uri, description: "Called with the generation when it ends; signed with Lightbox-Signature"}
                    preset: {type: string, description: "white-studio, gradient-light, marble, outdoor, wood-table, concrete, linen, pastel or custom"}
                    background_prompt: {type: string, maxLength: 1000}
                    shadow_type: {type: string, enum: [none, soft, hard, natural, floating]}
                    output_format: {type: string, description: "jpeg, webp, avif, png, or a comma list"}
                    size: {type: string, pattern: "^[0-9]+[xX*][0-9]+$", description: "WIDTHxHEIGHT, 16 to 8000 each"}
                    margin: {type: string, description: "percent of the canvas, 0 to 45"}
                    watermark: {type: string, maxLength: 200}
                    seed: {type: string, description: "0 to 4294967295"}
                    straighten: {type: string, enum: ["true", "false"]}
                    priority: {type: string, enum: [interactive, batch]}
          responses:
            "202":
              description: Queued
              content:
                application/json:
                  schema: {$ref: "#/components/schemas/Accepted"}
            "400": {$ref: "#/components/responses/Error"}
            "401": {$ref: "#/components/responses/Error"}
            "402": {$ref: "#/components/responses/Error"}
            "413": {$ref: "#/components/responses/Error"}
            "415": {$ref: "#/components/responses/Error"}
            "422": {$ref: "#/components/responses/Error"}
            "429": {$ref: "#/components/responses/Error"}
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
      responses:
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
        Accepted:
          type: object
          properties:
            generation_id: {type: string}
            status: {type: string, enum: [queued]}
            credits_used: {type: integer}
            pipeline: {type: array, items: {type: string}}
            estimated_seconds: {type: integer}
        Generation:
          type: object
          properties:
            generation_id: {type: string}
            status: {type: string, enum: [queued, processing, completed, failed]}
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
