"""SIPAS 2017: the service-user survey of the 2017–2021 method (QĐ 2640/QĐ-BNV, sipas.md §1A).

Sections, in the order a respondent meets them:

    TT   Thông tin về thủ tục ......... DT (cá nhân / tổ chức), LV (lĩnh vực, 16 phương án)
    1–5  the five elements ............ criteria 1.1 … 5.4 (22), then HL1 … HL5 (one per element)
    HLC  Sự hài lòng chung ............ HL (overall satisfaction)
    MD   Mong đợi ..................... MD (multiple choice, at most 3)
    NTL  Thông tin người trả lời ...... GT, TUOI, DANTOC, HOCVAN, NGHE
    YK   Ý kiến khác .................. YK (free text)

The wording of the 22 criteria is the reconstruction in sipas.md §1A ([I]: verify against the
QĐ 2640 annex); the element and overall questions, the expectation options and the profile are
[I] too. Kiosk short variant: DT, LV, HL1–HL5, HL and YK.
"""

from __future__ import annotations

from surveys.models import Item, Questionnaire, Scale
from surveys.national.spec import (
    AGE,
    COMMENT,
    EDUCATION,
    ETHNICITY,
    EXPECTATION,
    GENDER,
    INDEX,
    MEAN_OF_ITEMS,
    OCCUPATION,
    OTHER,
    PROFILE,
    ElementSpec,
    ItemSpec,
    TemplateSpec,
    sat5,
    single,
)

GENERAL = Item.Role.GENERAL
ONE_STOP = "Bộ phận Tiếp nhận và Trả kết quả"
ONE_STOP_EN = "the one-stop reception and result desk"

# The 2019 round named these service fields [C] S13. The source lists 15 names for "16 fields";
# the sixteenth option catches any other procedure [I].
FIELDS = [
    ("Đất đai (cấp giấy chứng nhận quyền sử dụng đất)", "Land (land use right certificates)"),
    ("Môi trường", "Environment"),
    ("Cấp, đổi giấy phép lái xe", "Driving licences"),
    ("Giao thông vận tải đường bộ", "Road transport"),
    ("Xây dựng (cấp giấy phép xây dựng)", "Construction (building permits)"),
    ("Quy hoạch xây dựng", "Construction planning"),
    ("Văn hóa cơ sở", "Grassroots culture"),
    ("Thể dục, thể thao", "Sport"),
    ("Trồng trọt và bảo vệ thực vật", "Crop production and plant protection"),
    ("Chăn nuôi và thú y", "Livestock and veterinary services"),
    ("Lý lịch tư pháp", "Judicial records"),
    ("Trợ giúp pháp lý nhà nước", "State legal aid"),
    ("Đăng ký kinh doanh", "Business registration"),
    ("Tư pháp (hộ tịch, chứng thực)", "Justice (civil status, certification)"),
    ("Lao động – Thương binh và Xã hội", "Labour, invalids and social affairs"),
    ("Lĩnh vực khác", "Other field"),
]

EXPECTATIONS = [
    (
        "Mở rộng các hình thức thông tin để người dân, tổ chức dễ dàng tiếp cận dịch vụ",
        "More ways of informing people and organisations so services are easy to reach",
    ),
    (
        f"Cải thiện cơ sở vật chất, trang thiết bị tại {ONE_STOP}",
        f"Better facilities and equipment at {ONE_STOP_EN}",
    ),
    ("Tiếp tục đơn giản hóa thủ tục hành chính", "Simpler administrative procedures"),
    (
        "Công khai, minh bạch hơn thủ tục hành chính",
        "More openness and transparency of procedures",
    ),
    ("Giảm phí, lệ phí", "Lower fees and charges"),
    ("Rút ngắn thời gian giải quyết thủ tục hành chính", "Shorter processing times"),
    ("Cải thiện thái độ giao tiếp, phục vụ của công chức", "Better attitude of civil servants"),
    (
        "Nâng cao năng lực giải quyết công việc của công chức",
        "More capable civil servants",
    ),
    (
        "Tăng cường tiếp nhận, giải quyết góp ý, phản ánh, kiến nghị",
        "Better handling of comments, feedback and complaints",
    ),
    (
        "Đẩy mạnh ứng dụng công nghệ thông tin, dịch vụ công trực tuyến",
        "More use of IT and online public services",
    ),
]


def element(code: str, name: str, name_en: str, criteria, general: tuple[str, str]):
    items = tuple(sat5(f"{code}.{i}", vi, en) for i, (vi, en) in enumerate(criteria, start=1))
    general_item = sat5(f"HL{code}", general[0], general[1], role=GENERAL, short=True)
    return ElementSpec(code, name, name_en, INDEX, (*items, general_item))


SIPAS_2017 = TemplateSpec(
    family="sipas-2017",
    version=1,
    title="Phiếu khảo sát sự hài lòng của người dân, tổ chức đối với sự phục vụ của cơ quan "
    "hành chính nhà nước (SIPAS 2017–2021)",
    title_en="Survey of the satisfaction of people and organisations with the service of state "
    "administrative agencies (SIPAS 2017–2021)",
    intro="Phiếu theo phương pháp đo lường sự hài lòng giai đoạn 2017–2021 (Quyết định số "
    "2640/QĐ-BNV ngày 10/10/2017 của Bộ Nội vụ). Xin Ông/Bà cho biết mức độ hài lòng của mình "
    "đối với từng nội dung dưới đây về lần giải quyết thủ tục hành chính gần nhất. Thông tin "
    "Ông/Bà cung cấp được giữ kín và chỉ dùng cho mục đích thống kê.",
    intro_en="Questionnaire of the 2017–2021 satisfaction measurement method (Decision "
    "2640/QĐ-BNV of 10/10/2017, Ministry of Home Affairs). Please rate how satisfied you are with "
    "each statement below about the last administrative procedure you completed. Your answers "
    "are kept confidential and used for statistics only.",
    estimated_minutes=15,
    element_rule=MEAN_OF_ITEMS,
    overall_rule=Questionnaire.OverallRule.MEAN_OF_ELEMENTS,
    aspects=(),
    elements=(
        ElementSpec(
            "TT",
            "Thông tin về thủ tục hành chính",
            "About the administrative procedure",
            PROFILE,
            (
                single(
                    "DT",
                    "Ông/Bà thực hiện thủ tục hành chính với tư cách là",
                    "You completed the procedure as",
                    [("Cá nhân", "An individual"), ("Đại diện tổ chức", "An organisation")],
                    role=Item.Role.PROFILE,
                    short=True,
                ),
                single(
                    "LV",
                    "Lĩnh vực của thủ tục hành chính Ông/Bà đã thực hiện",
                    "Field of the procedure you completed",
                    FIELDS,
                    role=Item.Role.PROCEDURE,
                    short=True,
                ),
            ),
        ),
        element(
            "1",
            "Tiếp cận dịch vụ hành chính công",
            "Access to the public administrative service",
            [
                (
                    f"Nơi ngồi chờ tại {ONE_STOP} có đủ chỗ ngồi",
                    f"The waiting area at {ONE_STOP_EN} has enough seats",
                ),
                (
                    f"Trang thiết bị phục vụ người dân, tổ chức tại {ONE_STOP} đầy đủ",
                    f"The equipment for the public at {ONE_STOP_EN} is complete",
                ),
                (
                    f"Trang thiết bị phục vụ người dân, tổ chức tại {ONE_STOP} hiện đại",
                    f"The equipment for the public at {ONE_STOP_EN} is modern",
                ),
                (
                    f"Trang thiết bị phục vụ người dân, tổ chức tại {ONE_STOP} dễ sử dụng",
                    f"The equipment for the public at {ONE_STOP_EN} is easy to use",
                ),
            ],
            (
                "Nói chung, Ông/Bà hài lòng như thế nào về việc tiếp cận dịch vụ?",
                "Overall, how satisfied are you with access to the service?",
            ),
        ),
        element(
            "2",
            "Thủ tục hành chính",
            "Administrative procedure",
            [
                (
                    "Thủ tục hành chính được niêm yết công khai đầy đủ",
                    "The procedure is publicly posted in full",
                ),
                (
                    "Thủ tục hành chính được niêm yết công khai chính xác",
                    "The procedure is publicly posted accurately",
                ),
                (
                    "Thành phần hồ sơ mà người dân, tổ chức phải nộp là đúng quy định",
                    "The documents people and organisations must submit are as regulated",
                ),
                (
                    "Phí, lệ phí mà người dân, tổ chức phải nộp là đúng quy định",
                    "The fees and charges people and organisations must pay are as regulated",
                ),
                (
                    "Thời hạn giải quyết (tính từ ngày hồ sơ được tiếp nhận đến ngày nhận kết quả) "
                    "là đúng quy định",
                    "The processing time (from the day the file is received to the day of the "
                    "result) is as regulated",
                ),
            ],
            (
                "Nói chung, Ông/Bà hài lòng như thế nào về thủ tục hành chính?",
                "Overall, how satisfied are you with the administrative procedure?",
            ),
        ),
        element(
            "3",
            "Công chức trực tiếp giải quyết công việc",
            "Civil servants handling the case",
            [
                (
                    "Công chức có thái độ giao tiếp lịch sự",
                    "Civil servants communicate politely",
                ),
                (
                    "Công chức chú ý lắng nghe ý kiến của người dân, đại diện tổ chức",
                    "Civil servants listen carefully to people and organisations",
                ),
                (
                    "Công chức trả lời, giải thích đầy đủ các ý kiến của người dân, đại diện tổ "
                    "chức",
                    "Civil servants answer and explain every question of people and "
                    "organisations in full",
                ),
                (
                    "Công chức hướng dẫn kê khai hồ sơ tận tình, chu đáo",
                    "Civil servants guide the filling-in of the file attentively",
                ),
                (
                    "Công chức hướng dẫn kê khai hồ sơ dễ hiểu",
                    "Civil servants' guidance on filling in the file is easy to understand",
                ),
                (
                    "Công chức tuân thủ đúng quy định trong giải quyết công việc",
                    "Civil servants follow the regulations when handling the case",
                ),
            ],
            (
                "Nói chung, Ông/Bà hài lòng như thế nào về công chức trực tiếp giải quyết công "
                "việc?",
                "Overall, how satisfied are you with the civil servants who handled your case?",
            ),
        ),
        element(
            "4",
            "Kết quả cung ứng dịch vụ hành chính công",
            "Result of the service",
            [
                ("Kết quả mà Ông/Bà nhận được đúng quy định", "The result you received is lawful"),
                (
                    "Kết quả mà Ông/Bà nhận được có thông tin đầy đủ",
                    "The result you received has complete information",
                ),
                (
                    "Kết quả mà Ông/Bà nhận được có thông tin chính xác",
                    "The result you received has accurate information",
                ),
            ],
            (
                "Nói chung, Ông/Bà hài lòng như thế nào về kết quả giải quyết thủ tục hành chính?",
                "Overall, how satisfied are you with the result of the procedure?",
            ),
        ),
        element(
            "5",
            "Tiếp nhận, giải quyết góp ý, phản ánh, kiến nghị",
            "Handling of comments, feedback and complaints",
            [
                (
                    "Cơ quan có bố trí hình thức tiếp nhận góp ý, phản ánh, kiến nghị",
                    "The agency provides ways to receive comments, feedback and complaints",
                ),
                (
                    "Người dân, tổ chức dễ dàng thực hiện góp ý, phản ánh, kiến nghị",
                    "People and organisations can easily give comments, feedback and complaints",
                ),
                (
                    "Cơ quan tiếp nhận, xử lý tích cực các góp ý, phản ánh, kiến nghị",
                    "The agency receives and handles comments, feedback and complaints actively",
                ),
                (
                    "Cơ quan thông báo kịp thời kết quả xử lý góp ý, phản ánh, kiến nghị",
                    "The agency promptly reports how comments, feedback and complaints were "
                    "handled",
                ),
            ],
            (
                "Nói chung, Ông/Bà hài lòng như thế nào về việc tiếp nhận, giải quyết góp ý, phản "
                "ánh, kiến nghị?",
                "Overall, how satisfied are you with the handling of comments, feedback and "
                "complaints?",
            ),
        ),
        ElementSpec(
            "HLC",
            "Sự hài lòng chung",
            "Overall satisfaction",
            OTHER,
            (
                sat5(
                    "HL",
                    "Nói chung, Ông/Bà hài lòng như thế nào về sự phục vụ của cơ quan hành chính "
                    "nhà nước khi giải quyết thủ tục hành chính này?",
                    "Overall, how satisfied are you with the service of the state administrative "
                    "agency for this procedure?",
                    role=Item.Role.OVERALL,
                    short=True,
                ),
            ),
        ),
        ElementSpec(
            "MD",
            "Mong đợi của người dân, tổ chức",
            "Expectations of people and organisations",
            EXPECTATION,
            (
                ItemSpec(
                    "MD",
                    "Theo Ông/Bà, cơ quan hành chính nhà nước cần ưu tiên cải thiện những nội dung "
                    "nào? (chọn tối đa 3 nội dung)",
                    "In your view, what should state administrative agencies improve first? "
                    "(choose up to 3)",
                    Scale.MULTI,
                    role=Item.Role.EXPECTATION,
                    options=tuple(EXPECTATIONS),
                    positive_levels=(),
                    max_choices=3,
                ),
            ),
        ),
        ElementSpec(
            "NTL",
            "Thông tin về người trả lời",
            "About you",
            PROFILE,
            (GENDER, AGE, ETHNICITY, EDUCATION, OCCUPATION),
        ),
        ElementSpec("YK", "Ý kiến khác", "Other comments", OTHER, (COMMENT,)),
    ),
)
