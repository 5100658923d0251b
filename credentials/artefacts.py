"""What a learner downloads: the badge image (SVG, PNG) and the PDF certificate.

Badges are "baked" as Open Badges 3.0 describes: the signed credential rides
inside the image (an `openbadges:credential` element in the SVG, an iTXt
chunk named `openbadgecredential` in the PNG), so the image alone verifies.
"""

from __future__ import annotations

import io
from pathlib import Path
from xml.sax.saxutils import escape

import segno
from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont
from PIL.PngImagePlugin import PngInfo

from credentials.models import Credential

# Colours of the site (static/css/site.css): navy, and an accent per kind.
NAVY = (18, 35, 58)
ACCENT = {"milestone": (176, 74, 20), "competence": (30, 107, 58)}
# A Unicode font when the system has one (Debian: fonts-dejavu-core); otherwise
# the PDF's built-in Helvetica, which covers Latin-1 only.
FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu")]
BADGE_SIZE = 400


def _font_file(name: str) -> Path | None:
    for folder in FONT_DIRS:
        if (folder / name).exists():
            return folder / name
    return None


def _badge_lines(credential: Credential) -> tuple[str, str]:
    title = credential.achievement_name.partition(":")[0]
    kind = "Milestone" if credential.kind == Credential.Kind.MILESTONE else "Competence"
    return title.strip(), kind


def badge_svg(credential: Credential, *, baked: bool = True) -> str:
    title, kind = _badge_lines(credential)
    red, green, blue = ACCENT[credential.kind]
    accent = f"rgb({red},{green},{blue})"
    inside = (
        f"<openbadges:credential><![CDATA[{credential.token}]]></openbadges:credential>"
        if baked and credential.token
        else ""
    )
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" '
        'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0" '
        f'viewBox="0 0 {BADGE_SIZE} {BADGE_SIZE}" width="{BADGE_SIZE}" height="{BADGE_SIZE}" '
        f'role="img" aria-label="{escape(title)} badge">'
        f"{inside}"
        f'<circle cx="200" cy="200" r="190" fill="{accent}"/>'
        '<circle cx="200" cy="200" r="160" fill="#fff"/>'
        '<circle cx="200" cy="200" r="150" fill="none" stroke="rgb(18,35,58)" stroke-width="4"/>'
        '<text x="200" y="150" text-anchor="middle" font-family="Georgia, serif" '
        'font-size="64" fill="rgb(18,35,58)">e</text>'
        '<text x="200" y="215" text-anchor="middle" font-family="sans-serif" font-size="30" '
        f'font-weight="700" fill="rgb(18,35,58)">{escape(title)}</text>'
        '<text x="200" y="255" text-anchor="middle" font-family="sans-serif" font-size="20" '
        f'fill="{accent}">{escape(kind.upper())}</text>'
        '<text x="200" y="300" text-anchor="middle" font-family="sans-serif" font-size="16" '
        'fill="rgb(18,35,58)">ediplomacy</text>'
        "</svg>"
    )


def _pil_font(size: int, bold: bool = False):
    path = _font_file("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")
    if path is None:
        return ImageFont.load_default(size)
    return ImageFont.truetype(str(path), size)


def badge_png(credential: Credential) -> bytes:
    title, kind = _badge_lines(credential)
    accent = ACCENT[credential.kind]
    image = Image.new("RGBA", (BADGE_SIZE, BADGE_SIZE), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((10, 10, 390, 390), fill=accent)
    draw.ellipse((40, 40, 360, 360), fill="white")
    draw.ellipse((50, 50, 350, 350), outline=NAVY, width=4)
    draw.text((200, 130), "e", font=_pil_font(64), fill=NAVY, anchor="mm")
    draw.text((200, 205), title, font=_pil_font(30, bold=True), fill=NAVY, anchor="mm")
    draw.text((200, 250), kind.upper(), font=_pil_font(20), fill=accent, anchor="mm")
    draw.text((200, 295), "ediplomacy", font=_pil_font(16), fill=NAVY, anchor="mm")
    info = PngInfo()
    if credential.token:
        info.add_itxt("openbadgecredential", credential.token)
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=info)
    return out.getvalue()


class _Certificate(FPDF):
    def __init__(self):
        super().__init__(orientation="landscape", unit="mm", format="A4")
        regular, bold = _font_file("DejaVuSans.ttf"), _font_file("DejaVuSans-Bold.ttf")
        if regular and bold:
            self.add_font("Body", "", str(regular))
            self.add_font("Body", "B", str(bold))
            self.body_font = "Body"
            self.unicode_text = True
        else:
            self.body_font = "Helvetica"
            self.unicode_text = False

    def text_of(self, value: str) -> str:
        # Helvetica covers Latin-1: anything else is shown as "?" rather than failing.
        if self.unicode_text:
            return value
        return value.encode("latin-1", "replace").decode("latin-1")


def certificate_pdf(
    *,
    credential: Credential,
    learner_name: str,
    issuer_name: str,
    narrative: str,
    verify_url: str,
    logo: bytes | None = None,
) -> bytes:
    """A printable A4 certificate with the verification URL and its QR code."""
    pdf = _Certificate()
    pdf.set_title(f"{credential.achievement_name} — {learner_name}")
    pdf.set_author(issuer_name)
    pdf.set_auto_page_break(False)
    pdf.add_page()
    width = pdf.w
    pdf.set_draw_color(*NAVY)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, width - 20, pdf.h - 20)
    pdf.set_line_width(0.3)
    pdf.rect(13, 13, width - 26, pdf.h - 26)
    if logo:
        pdf.image(io.BytesIO(logo), x=22, y=20, h=18)

    def line(value: str, size: int, *, bold: bool = False, colour=NAVY, gap: float = 4) -> None:
        pdf.set_font(pdf.body_font, "B" if bold else "", size)
        pdf.set_text_color(*colour)
        pdf.set_x(25)
        pdf.multi_cell(width - 50, size * 0.5, pdf.text_of(value), align="C")
        pdf.ln(gap)

    pdf.set_y(28)
    line("CERTIFICATE OF ACHIEVEMENT", 14, bold=True, colour=ACCENT[credential.kind])
    line("This certifies that", 12, colour=(60, 60, 60), gap=2)
    line(learner_name, 28, bold=True, gap=2)
    line("has earned", 12, colour=(60, 60, 60), gap=2)
    line(credential.achievement_name, 18, bold=True, gap=3)
    pdf.set_font(pdf.body_font, "", 9.5)
    pdf.set_text_color(40, 40, 40)
    pdf.set_x(40)
    pdf.multi_cell(width - 80, 4.6, pdf.text_of(narrative), align="L")
    pdf.ln(3)
    date = credential.earned_at.strftime("%-d %B %Y")
    line(f"Achieved on {date}. Issued by {issuer_name}.", 11)

    qr = segno.make(verify_url, error="m")
    png = io.BytesIO()
    qr.save(png, kind="png", scale=6, border=2)
    size = 34
    top = pdf.h - 22 - size
    pdf.image(io.BytesIO(png.getvalue()), x=width - 22 - size, y=top, w=size, h=size)
    pdf.set_xy(22, top + 8)
    pdf.set_font(pdf.body_font, "B", 10)
    pdf.set_text_color(*NAVY)
    pdf.cell(0, 5, pdf.text_of("Verify this certificate:"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(22)
    pdf.set_font(pdf.body_font, "", 9)
    pdf.cell(0, 5, verify_url, link=verify_url, new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(22)
    pdf.set_font(pdf.body_font, "", 8)
    pdf.set_text_color(90, 90, 90)
    pdf.cell(
        0,
        5,
        pdf.text_of(f"Credential {credential.public_id} · signed Open Badges 3.0 credential"),
    )
    return bytes(pdf.output())
