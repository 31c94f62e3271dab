# Draws images/icon.png (run once with a Python that has Pillow: python images/icon.py).
# The extension icon: three agents (nodes) wired to a coordinator, and a check mark
# (a test that passes), on a dark rounded square. Drawn at 4x and downsampled.
from PIL import Image, ImageDraw

S = 4
N = 128 * S
img = Image.new("RGBA", (N, N), (0, 0, 0, 0))
d = ImageDraw.Draw(img)
d.rounded_rectangle([0, 0, N - 1, N - 1], radius=24 * S, fill=(27, 38, 59, 255))
hub = (44 * S, 64 * S)
leaves = [(92 * S, 30 * S), (100 * S, 64 * S), (92 * S, 98 * S)]
for x, y in leaves:
    d.line([hub, (x, y)], fill=(120, 170, 255, 255), width=6 * S)
def dot(c, r, fill):
    d.ellipse([c[0] - r, c[1] - r, c[0] + r, c[1] + r], fill=fill)
dot(hub, 18 * S, (120, 170, 255, 255))
for leaf in leaves:
    dot(leaf, 11 * S, (240, 244, 250, 255))
# check mark inside the hub
d.line([(35 * S, 64 * S), (42 * S, 72 * S), (55 * S, 55 * S)], fill=(27, 38, 59, 255), width=6 * S, joint="curve")
img.resize((128, 128), Image.LANCZOS).save(__file__.replace("icon.py", "icon.png"), optimize=True)
