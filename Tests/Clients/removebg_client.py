"""A remove.bg client written the way remove.bg's API documentation shows it (Python requests,
X-Api-Key, files={"image_file": ...}), pointed at Lightbox by its base URL only.

usage: removebg_client.py BASE_URL KEY PHOTO OUT_PNG
Prints one JSON line: the status, headers and what the saved image is."""
import json
import sys

import requests

base, key, photo, out = sys.argv[1:5]
with open(photo, "rb") as image:
    response = requests.post(
        f"{base}/v1.0/removebg",
        files={"image_file": image},
        data={"size": "auto"},
        headers={"X-Api-Key": key},
    )
if response.status_code == requests.codes.ok:
    with open(out, "wb") as out_file:
        out_file.write(response.content)
errors = None if response.ok else response.json().get("errors")
account = requests.get(f"{base}/v1.0/account", headers={"X-Api-Key": key}).json()
print(json.dumps({
    "status": response.status_code,
    "content_type": response.headers.get("Content-Type"),
    "width": response.headers.get("X-Width"),
    "credits_charged": response.headers.get("X-Credits-Charged"),
    "errors": errors,
    "credits_total": account["data"]["attributes"]["credits"]["total"],
}))
