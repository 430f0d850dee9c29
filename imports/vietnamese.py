"""Does a text read as Vietnamese? Every word with a non-ASCII letter must be a Vietnamese syllable
(an initial consonant, a vowel nucleus, a final consonant, at most one tone mark, one case pattern),
and no character may be one that Vietnamese text does not use. This is how the legacy encodings are
told apart: a wrong reading of TCVN3, VNI or CP1258 bytes leaves symbols or impossible syllables."""

from __future__ import annotations

import re
import unicodedata

TONES = "\u0300\u0301\u0303\u0309\u0323"
_INITIAL = "ngh|ng|gh|gi|kh|ph|th|tr|ch|nh|qu|b|c|d|đ|g|h|k|l|m|n|p|r|s|t|v|x"
_NUCLEUS = (
    "iêu|yêu|oai|oay|oao|oeo|uây|uôi|ươi|ươu|uya|uyê|uyu|uêu|"
    "ai|ao|au|ay|âu|ây|eo|êu|ia|iê|iu|oa|oă|oe|oi|oo|ôi|ơi|ôô|ua|uâ|uê|ui|uô|uơ|uy|ưa|ưi|ươ|ưu|yê|"
    "a|ă|â|e|ê|i|o|ô|ơ|u|ư|y"
)
_SYLLABLE = re.compile(f"({_INITIAL})?({_NUCLEUS})(ch|nh|ng|c|m|n|p|t)?")
_WORD = re.compile(r"[^\W\d_]+")
_VOWELS = "aăâeêioôơuưy"
LETTERS = frozenset(
    unicodedata.normalize("NFC", v + t) for v in _VOWELS + _VOWELS.upper() for t in ("", *TONES)
) | frozenset("đĐ")
PUNCTUATION = frozenset("–—“”‘’…•№°§\xa0\u200b\ufeff")


def syllable(word: str) -> bool:
    decomposed = unicodedata.normalize("NFD", word)
    if sum(ch in TONES for ch in decomposed) > 1:
        return False
    base = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in TONES))
    if not (base.islower() or base.isupper() or (base[0].isupper() and base[1:].islower())):
        return False
    return _SYLLABLE.fullmatch(base.lower()) is not None


def judge(text: str) -> tuple[int, int]:
    """(Vietnamese words, problems): words with a non-ASCII letter that are syllables, and characters
    or words that are not Vietnamese."""
    text = unicodedata.normalize("NFC", text)
    bad = sum(1 for ch in text if ord(ch) > 127 and ch not in LETTERS and ch not in PUNCTUATION and not ch.isspace())
    good = 0
    for word in _WORD.findall(text):
        if word.isascii():
            continue
        if syllable(word):
            good += 1
        else:
            bad += 1
    return good, bad


def reads_as_vietnamese(text: str) -> bool:
    return judge(text)[1] == 0


# Common syllables of the registers (and of Vietnamese at large). Only used to break a tie between two
# readings that are both Vietnamese: "Tòa án nhân dân" against TCVN3's "Tũa ỏn nhõn dõn".
_COMMON = """
quy chế phối hợp giữa viện kiểm sát nhân dân tòa án hòa cơ quan cảnh điều tra công an thi hành dân sự
cục chi huyện tỉnh thành phố quận xã phường thị khu vực tối cao cấp trung ương bộ ban đảng ủy cán
giải quyết tố giác tin báo về tội phạm hình kinh doanh thương mại lao động hôn nhân gia đình khiếu nại
cáo lãnh đạo chỉ sơ kết tổng họp liên ngành hội nghị rút nghiệm phiên trực tuyến điểm cầu lễ ký
nghị quyết tịch thông tư kế hoạch văn bản khác số hiệu trích yếu loại chủ trì tham gia ngày tháng năm
có hiệu lực hết từ đến chu kỳ chương điều tóm tắt nội dung ghi chú tình trạng còn đã bị thay thế sửa
đổi bổ sung bãi bỏ tên đơn vị lĩnh vực địa bắt đầu thúc người vai trò kết luận dự kiến tổ chức hủy
và các của trong công tác việc theo những được cho với một hai ba bốn năm sáu bảy tám chín mười
xét xử truy vụ án kháng nghị phúc thẩm giám đốc tái hòa giải phòng hội trường tại về giữa tiếp nhận
khánh sơn giang hà nội việt nam hồ minh đà nẵng cần thơ hải phòng tây nguyên bắc trung nam đông
ông bà anh chị em văn thị thu hương lan mai hùng dũng tuấn trí bình quốc nguyễn trần lê phạm hoàng
huỳnh phan vũ võ đặng bùi đỗ hồ ngô dương lý đinh thân đức an
trưởng phó viên thư ký chánh kiểm sát viên thẩm phán điều tra viên chấp hành
mới cũ tốt không chưa cần phải nếu khi thì là này đó hoặc nhưng vì nên đang sẽ
"""
COMMON = frozenset(_COMMON.split())


def familiarity(text: str) -> float:
    """The share of the text's non-ASCII words that are common syllables."""
    words = [w.lower() for w in _WORD.findall(unicodedata.normalize("NFC", text)) if not w.isascii()]
    if not words:
        return 0.0
    return sum(w in COMMON for w in words) / len(words)
