#!/usr/bin/env python3
"""Writes the seed corpus of each harness (fuzz/corpus/<harness>/) from our fixtures.

Seeds are small on purpose: libFuzzer mutates small inputs faster. The ONNX seeds are
written by the test suite's ONNXBuilder (LightboxFuzzingTests checks they are current).
"""
import io
import json
import pathlib

from PIL import Image

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz" / "corpus"
FIXTURES = ROOT / "Tests" / "Fixtures"


def put(harness, name, data):
    folder = CORPUS / harness
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data if isinstance(data, bytes) else data.encode())


def encoded(image, fmt, **options):
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def exif_orientation(value):
    exif = Image.Exif()
    exif[0x0112] = value
    return exif.tobytes()


def decode_seeds():
    mug = Image.open(FIXTURES / "mug-wood.jpg").convert("RGB")
    mug.thumbnail((40, 40))
    alpha = Image.open(FIXTURES / "mug-wood-alpha.png").convert("L").resize(mug.size)
    rgba = mug.copy()
    rgba.putalpha(alpha)
    put("decode", "baseline.jpg", encoded(mug, "JPEG", quality=60))
    put("decode", "progressive-exif6.jpg", encoded(mug, "JPEG", quality=60, progressive=True, exif=exif_orientation(6)))
    put("decode", "cmyk.jpg", encoded(mug.convert("CMYK"), "JPEG", quality=60))
    put("decode", "rgba.png", encoded(rgba, "PNG"))
    put("decode", "palette.png", encoded(mug.convert("P", palette=Image.Palette.ADAPTIVE, colors=16), "PNG"))
    put("decode", "grey16.png", encoded(mug.convert("L").convert("I;16"), "PNG"))
    put("decode", "lossy.webp", encoded(mug, "WEBP", quality=50))
    put("decode", "lossless-alpha.webp", encoded(rgba, "WEBP", lossless=True))
    put("decode", "lzw.tiff", encoded(mug, "TIFF", compression="tiff_lzw"))
    put("decode", "exif8.tiff", encoded(mug, "TIFF", exif=exif_orientation(8)))
    put("decode", "small.avif", encoded(mug, "AVIF", quality=40))
    put("decode", "display-p3.png", (FIXTURES / "patch-display-p3.png").read_bytes())
    put("decode", "truncated.jpg", encoded(mug, "JPEG", quality=60)[:300])


def request_seeds():
    jpeg = (CORPUS / "decode" / "baseline.jpg").read_bytes()
    boundary = b"lightboxfuzz"

    def multipart(fields, image=True, quoted=False):
        b = b"quoted boundary" if quoted else boundary
        body = b""
        for name, value in fields:
            body += b"--" + b + b'\r\nContent-Disposition: form-data; name="' + name.encode() + b'"\r\n\r\n' + value.encode() + b"\r\n"
        if image:
            body += (b"--" + b + b'\r\nContent-Disposition: form-data; name="image"; filename="a.jpg"\r\n'
                     b"Content-Type: image/jpeg\r\n\r\n" + jpeg + b"\r\n")
        return body + b"--" + b + b"--\r\n"

    put("request-fields", "multipart-plain", b"\x00" + multipart([]))
    put("request-fields", "multipart-fields", b"\x00" + multipart(
        [("preset", "marble"), ("shadow_type", "soft"), ("size", "800x800"), ("output_format", "webp"),
         ("fill_angles", "2"), ("category", "footwear")]))
    put("request-fields", "multipart-quoted", b"\x03" + multipart([("background_color", "#ffeedd")], quoted=True))
    put("request-fields", "urlencoded", b"\x01image_url=https%3A%2F%2Fexample.com%2Fa.jpg&preset=white-studio&margin=10")
    put("request-fields", "json", b"\x02" + json.dumps(
        {"image_url": "https://example.com/a.jpg", "background_prompt": "a marble shelf", "seed": 7,
         "straighten": True, "gallery_images": 3, "webhook_url": None}).encode())


def catalogue_seeds():
    put("catalogue", "manifest.jsonl", b"\x00" + b'{"sku": "MB-01", "image": "a.jpg", "label": "Bag", "category": ["Gear", "Sale"], "skip": false}\n'
        b'{"sku": "MB-02", "image": "/srv/b.png", "skip": true, "updated_at": "2026-11-30"}\n')
    put("catalogue", "manifest.csv", b"\x01" + b'SKU,image,label,category,store,updated_at,skip\n'
        b'MB-01,img/a.jpg,"Joust Duffle Bag, black","Gear/Bags,Sale",,2026-11-30,\n'
        b"MB-02,https://cdn.example.com/b.jpg,,,de,2026-11-30T08:15:00Z,yes\n")
    put("catalogue", "magento-export.csv", b"\x01" + b"sku,store_view_code,name,categories,base_image,small_image,thumbnail_image,additional_images,updated_at\n"
        b'24-MB01,,Joust Duffle Bag,"Default Category/Gear,Default Category/Gear/Bags",/m/b/mb01-black-0.jpg,/m/b/mb01-black-0.jpg,/m/b/mb01-black-0.jpg,"/m/b/mb01-black-0.jpg,/m/b/mb01-back.jpg",11/30/26 8:15 AM\n'
        b"24-MB01,de,Joust Reisetasche,,,,,,\n"
        b"24-WB04,,Overnight Duffle,Default Category/Gear/Bags,/w/b/wb04-blue-0.jpg,no_selection,,,\n")


def template_seeds():
    put("template", "brand.yaml", """size: 1200x1200
margin: 10
background: "#f4f4f4"
format: [avif, webp, jpeg]
watermark: {text: ACME, opacity: 0.3, position: bottom-left}
categories:
  Shoes: {background: wood-table, shadow: natural}
stores:
  default: {}
  de:
    format: webp,jpeg
    watermark: {text: ACME.de}
    categories:
      Shoes: {margin: 6}
""")
    put("template", "brand.json", json.dumps({"size": "800x800", "shadow": "floating",
                                             "stores": {"fr": {"background": "marble", "format": ["jpeg"]}}}))


def option_seeds():
    put("options", "studio", "background=white-studio\nshadow=soft\nsize=1500x1500\nmargin=12\nformat=jpeg,webp,avif\n")
    put("options", "scene", "background=marble\nshadow=natural\nseed=42\nwatermark=ACME\nwatermark-opacity=0.4\nframe=photo\n")
    put("options", "gradient", "background=linear-gradient(90deg, #ffffff, #dddddd)\nclutter-threshold=0.2\nstraighten=true\n")


if __name__ == "__main__":
    decode_seeds()
    request_seeds()
    catalogue_seeds()
    template_seeds()
    option_seeds()
    for folder in sorted(CORPUS.iterdir()):
        files = list(folder.iterdir())
        print(f"{folder.name}: {len(files)} seeds, {sum(f.stat().st_size for f in files)} bytes")
