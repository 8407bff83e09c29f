"""SIPAS 2023: the resident survey of the 2023–2026 method (QĐ 1001/QĐ-BNV, sipas.md §1B).

Item codes follow the form's own numbering, so a printed form and the data read the same:

    A      GT, DANTOC, TUOI, HOCVAN, NGHE ....... respondent profile (Phần A)
    C1     C1.1 … C1.9 ........................... interest in the 9 policies (4-level interest)
    C2     C2 ................................... channels used (multiple choice, 7 options)
    C3     C3.1 … C3.7 ........................... suitability of the 7 channels (4-level)
    C4     C4 ................................... would give policy feedback, and how (single)
    C5     C5 ................................... civil servants causing trouble (single, 3)
    C6     C6 ................................... informal payments (single, 3)
    C7     C7.1 … C7.3 ........................... suitability of the submission modes (4-level)
    C8     C8.1 … C8.7 ........................... own experience (yes/no)
    I.A … I.D, II.A … II.E .................... C9.1 … C9.39, the 39 satisfaction items (5-level)
    C10    C10.1 … C10.10 ........................ the 10 expectations (4-level desire)
    YK     YK ................................... other comments (free text)

Satisfaction "in general" items, inferred [I] from the 51 official satisfaction sub-indices
(39 detailed + 9 elements + 2 aspects + 1 overall = 51, sipas.md §1B): HL.I.A … HL.I.D and
HL.II.A … HL.II.E close each element (role GENERAL); HL.I and HL.II (role OVERALL) sit in a
section of their own attached to their aspect ("I.HL", "II.HL"; kind OTHER, so an index engine
that averages an aspect's INDEX elements never counts them); HL (role OVERALL, no aspect) is the
overall question. Kiosk short variant: the twelve HL items and YK.

Wording: the items as implemented by a Hà Nội ward for SIPAS 2026 ([S] S39), with its
ward-specific words ("phường", "Chi nhánh Trung tâm") made general; the HL items are [I].
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
    PERCEPTION,
    PROFILE,
    AspectSpec,
    ElementSpec,
    ItemSpec,
    TemplateSpec,
    sat5,
    single,
)

POLICIES = [
    ("phát triển kinh tế", "economic development"),
    ("khám, chữa bệnh", "medical care"),
    ("giáo dục phổ thông", "general education"),
    ("nước sinh hoạt", "domestic water"),
    ("điện sinh hoạt", "domestic electricity"),
    ("trật tự, an toàn xã hội", "public order and safety"),
    ("giao thông đường bộ", "road transport"),
    ("an sinh xã hội", "social security"),
    ("cải cách hành chính", "administrative reform"),
]

CHANNELS = [
    ("Qua loa phát thanh của xã, phường", "Commune or ward loudspeakers"),
    (
        "Qua họp, sinh hoạt, thông báo tại khu dân cư",
        "Meetings and announcements in the residential area",
    ),
    ("Qua chính quyền, công chức", "Local government and civil servants"),
    ("Qua người thân, bạn bè", "Relatives and friends"),
    ("Qua đài, ti vi, báo chí", "Radio, television and newspapers"),
    (
        "Qua mạng internet (trang thông tin điện tử, báo điện tử, Zalo, Facebook…)",
        "The internet (official websites, online newspapers, Zalo, Facebook…)",
    ),
    ("Qua hình thức khác", "Other channels"),
]

SERVICE_POINT = "Trung tâm Phục vụ hành chính công, Điểm phục vụ hành chính công"
SERVICE_POINT_EN = "the public administration service centre or point"

# Element code, name, name_en, aspect, the C9 items (vi, en), and its HL item's wording.
SATISFACTION = [
    (
        "I.A",
        "Trách nhiệm giải trình của chính quyền về chính sách",
        "Accountability of local government on policies",
        "I",
        [
            (
                "Chính quyền cung cấp, giải thích thông tin về các chính sách theo nhiều hình "
                "thức, giúp mọi người dân dễ tìm, dễ thấy",
                "Local government provides and explains policy information in many ways, so "
                "everyone can find it easily",
            ),
            (
                "Chính quyền cung cấp thông tin về các chính sách đầy đủ, dễ hiểu đối với người "
                "dân",
                "Local government gives complete, easy-to-understand policy information",
            ),
        ],
        ("trách nhiệm giải trình của chính quyền về chính sách", "accountability on policies"),
    ),
    (
        "I.B",
        "Sự tham gia của người dân vào quá trình xây dựng, tổ chức thực hiện chính sách",
        "Participation of residents in making and implementing policies",
        "I",
        [
            (
                "Chính quyền tổ chức nhiều hình thức để người dân dễ dàng tham gia góp ý kiến "
                "xây dựng các chính sách",
                "Local government offers many ways for residents to comment on draft policies",
            ),
            (
                "Chính quyền tổ chức nhiều hình thức để người dân dễ dàng phản hồi ý kiến đánh "
                "giá tình hình triển khai và kết quả, tác động của các chính sách ở địa phương",
                "Local government offers many ways for residents to give feedback on how "
                "policies are carried out and on their results and impact",
            ),
        ],
        ("sự tham gia của người dân vào chính sách", "residents' participation in policies"),
    ),
    (
        "I.C",
        "Chất lượng tổ chức thực hiện chính sách",
        "Quality of policy implementation",
        "I",
        [
            (
                f"Chính quyền tổ chức thực hiện tốt chính sách {vi} ở địa phương",
                f"Local government implements the {en} policy well",
            )
            for vi, en in [
                POLICIES[0],
                POLICIES[1],
                POLICIES[2],
                POLICIES[5],
                POLICIES[6],
                POLICIES[4],
                POLICIES[3],
                POLICIES[7],
                POLICIES[8],
            ]
        ],
        ("chất lượng tổ chức thực hiện chính sách", "the quality of policy implementation"),
    ),
    (
        "I.D",
        "Kết quả, tác động của chính sách",
        "Results and impact of policies",
        "I",
        [
            (
                "Kinh tế gia đình của người dân địa phương tốt hơn",
                "Household economy of local residents is better",
            ),
            ("Kinh tế – xã hội của địa phương tốt hơn", "The local economy and society is better"),
            (
                "Bệnh viện công lập ở địa phương khám, chữa bệnh cho người dân tốt hơn",
                "Public hospitals treat residents better",
            ),
            (
                "Trường phổ thông công lập dạy học sinh tốt hơn",
                "Public schools teach pupils better",
            ),
            (
                "Trật tự, an toàn xã hội ở địa phương tốt hơn",
                "Public order and safety is better",
            ),
            ("Đường bộ, giao thông ở địa phương tốt hơn", "Roads and traffic are better"),
            (
                "Điện sinh hoạt của người dân ở địa phương tốt hơn",
                "Domestic electricity is better",
            ),
            ("Nước sinh hoạt của người dân ở địa phương tốt hơn", "Domestic water is better"),
            (
                "An sinh xã hội đối với người dân ở địa phương tốt hơn",
                "Social security for residents is better",
            ),
            (
                "Cơ quan hành chính nhà nước, đội ngũ cán bộ, công chức, viên chức ở địa phương "
                "có năng lực và thực thi công vụ tốt hơn",
                "Local administrative agencies and their staff are more capable and serve better",
            ),
        ],
        ("kết quả, tác động của chính sách", "the results and impact of policies"),
    ),
    (
        "II.A",
        "Tiếp cận dịch vụ",
        "Access to services",
        "II",
        [
            (
                f"{SERVICE_POINT} có biển hiệu, hướng dẫn rõ ràng, giúp người dân dễ tìm, dễ thấy",
                f"{SERVICE_POINT_EN.capitalize()} has clear signs and directions and is easy to "
                "find",
            ),
            (
                f"{SERVICE_POINT} có đủ ghế ngồi chờ, ghế ngồi giải quyết công việc và bàn viết "
                "cho người dân",
                f"{SERVICE_POINT_EN.capitalize()} has enough waiting seats, service seats and "
                "writing desks",
            ),
            (
                f"{SERVICE_POINT} có trang thiết bị phục vụ người dân đầy đủ, chất lượng tốt "
                "(máy lấy số xếp hàng, máy tính, máy tra cứu thông tin, điều hòa, quạt mát)",
                f"{SERVICE_POINT_EN.capitalize()} has complete, good-quality equipment (queue "
                "ticket machine, computers, lookup kiosks, air conditioning, fans)",
            ),
        ],
        ("việc tiếp cận dịch vụ", "access to services"),
    ),
    (
        "II.B",
        "Thủ tục hành chính",
        "Administrative procedures",
        "II",
        [
            (
                f"Quy định thủ tục hành chính được niêm yết công khai tại {SERVICE_POINT}, "
                "giúp người dân dễ thấy, dễ đọc",
                f"Procedures are posted at {SERVICE_POINT_EN} where they are easy to see and read",
            ),
            (
                "Công chức yêu cầu người dân nộp hồ sơ giải quyết thủ tục hành chính đúng theo "
                "quy định",
                "Civil servants ask only for the documents the regulations require",
            ),
            (
                "Công chức yêu cầu người dân đóng phí, lệ phí giải quyết thủ tục hành chính đúng "
                "theo quy định",
                "Civil servants ask only for the fees and charges the regulations set",
            ),
            (
                "Thời hạn giải quyết thủ tục hành chính cho người dân đúng theo quy định",
                "Procedures are completed within the regulated time",
            ),
        ],
        ("thủ tục hành chính", "administrative procedures"),
    ),
    (
        "II.C",
        "Công chức trực tiếp giải quyết công việc",
        "Civil servants handling the case",
        "II",
        [
            (
                f"Công chức ở {SERVICE_POINT} có thái độ giao tiếp lịch sự, tôn trọng đối với "
                "người dân",
                f"Civil servants at {SERVICE_POINT_EN} are polite and respectful",
            ),
            (
                f"Công chức ở {SERVICE_POINT} hướng dẫn hồ sơ dễ hiểu, đầy đủ, giúp người dân "
                "có thể hoàn thiện hồ sơ sau một lần hướng dẫn",
                f"Civil servants at {SERVICE_POINT_EN} give clear, complete guidance, so the file "
                "can be completed after one explanation",
            ),
            (
                f"Công chức ở {SERVICE_POINT} tuân thủ đúng quy định trong giải quyết thủ tục "
                "hành chính cho người dân",
                f"Civil servants at {SERVICE_POINT_EN} follow the regulations when handling "
                "procedures",
            ),
        ],
        ("công chức trực tiếp giải quyết công việc", "the civil servants handling your case"),
    ),
    (
        "II.D",
        "Kết quả giải quyết thủ tục hành chính",
        "Results of procedures",
        "II",
        [
            (
                "Kết quả giải quyết thủ tục hành chính cho người dân được trả đúng hẹn",
                "Results are delivered on the promised date",
            ),
            (
                "Kết quả giải quyết thủ tục hành chính cho người dân có thông tin đầy đủ, chính "
                "xác",
                "Results carry complete and accurate information",
            ),
            (
                "Kết quả giải quyết thủ tục hành chính cho người dân bảo đảm tính công bằng",
                "Results are fair",
            ),
        ],
        ("kết quả giải quyết thủ tục hành chính", "the results of procedures"),
    ),
    (
        "II.E",
        "Tiếp nhận, xử lý phản ánh, kiến nghị của người dân",
        "Handling of residents' feedback and complaints",
        "II",
        [
            (
                f"{SERVICE_POINT} bố trí hình thức tiếp nhận phản ánh, kiến nghị, giúp người dân "
                "phản ánh, kiến nghị dễ dàng",
                f"{SERVICE_POINT_EN.capitalize()} provides easy ways to give feedback and "
                "complaints",
            ),
            (
                f"{SERVICE_POINT} tiếp nhận, xử lý phản ánh, kiến nghị của người dân đúng quy định",
                f"{SERVICE_POINT_EN.capitalize()} receives and handles feedback and complaints "
                "as regulated",
            ),
            (
                f"{SERVICE_POINT} thông báo kết quả xử lý phản ánh, kiến nghị cho người dân kịp "
                "thời",
                f"{SERVICE_POINT_EN.capitalize()} reports the outcome of feedback and complaints "
                "promptly",
            ),
        ],
        ("việc tiếp nhận, xử lý phản ánh, kiến nghị", "the handling of feedback and complaints"),
    ),
]

EXPECTATIONS = [
    (
        "Nâng cao tính công khai, minh bạch trong cung cấp thông tin cho người dân",
        "More openness and transparency of information for residents",
    ),
    (
        "Tăng cường trách nhiệm giải trình của chính quyền đối với người dân",
        "Stronger accountability of local government to residents",
    ),
    (
        "Mở rộng các cơ hội tham gia giám sát của người dân đối với hoạt động của chính quyền",
        "More opportunities for residents to monitor local government",
    ),
    (
        "Nâng cao hiệu lực, hiệu quả hoạt động của chính quyền địa phương",
        "More effective and efficient local government",
    ),
    (
        "Tăng cường cơ sở vật chất, trang thiết bị phục vụ giải quyết công việc cho người dân",
        "Better facilities and equipment for serving residents",
    ),
    (
        "Nâng cao năng lực của cán bộ, công chức, viên chức trong giải quyết công việc cho người "
        "dân",
        "More capable officials and civil servants",
    ),
    (
        "Nâng cao tinh thần, thái độ phục vụ của cán bộ, công chức, viên chức đối với người dân",
        "Better service attitude of officials and civil servants",
    ),
    (
        "Tăng cường ứng dụng công nghệ thông tin, chuyển đổi số trong giải quyết công việc cho "
        "người dân",
        "More use of information technology and digital transformation",
    ),
    (
        "Nâng cao chất lượng cung ứng dịch vụ công trực tuyến, tạo thuận lợi cho người dân",
        "Better online public services that are easy to use",
    ),
    (
        "Nâng cao chất lượng tiếp nhận, giải quyết ý kiến góp ý, phản ánh, kiến nghị của người dân",
        "Better handling of residents' comments, feedback and complaints",
    ),
]

EXPERIENCES = [
    (
        "Ông/Bà có người thân đang đi học hoặc đã đi học phổ thông trong 3 năm trở lại đây",
        "A relative of yours is at school, or was in the last 3 years",
    ),
    (
        "Ông/Bà hoặc người thân đi khám, chữa bệnh tại bệnh viện, phòng khám đa khoa công lập ở "
        "địa phương",
        "You or a relative used a local public hospital or general clinic",
    ),
    (
        "Ông/Bà giải quyết thủ tục hành chính tại Trung tâm Phục vụ hành chính công của tỉnh, "
        "thành phố",
        "You completed a procedure at the provincial public administration service centre",
    ),
    (
        "Ông/Bà giải quyết thủ tục hành chính tại Điểm phục vụ hành chính công ở xã, phường",
        "You completed a procedure at a commune or ward public administration service point",
    ),
    (
        "Ông/Bà hỏi chính quyền, công chức về chính sách, thủ tục hành chính",
        "You asked local government or civil servants about a policy or procedure",
    ),
    (
        "Ông/Bà nêu ý kiến đánh giá với chính quyền về kết quả thực hiện chính sách, giải quyết "
        "thủ tục hành chính",
        "You gave local government your assessment of a policy or procedure",
    ),
    (
        "Ông/Bà nêu ý kiến phản ánh, kiến nghị với chính quyền về chính sách, thủ tục hành chính",
        "You made a complaint or recommendation about a policy or procedure",
    ),
]


def _rows(prefix: str, scale: str, rows, role: str) -> tuple[ItemSpec, ...]:
    return tuple(
        ItemSpec(f"{prefix}.{i}", vi, en, scale, role=role)
        for i, (vi, en) in enumerate(rows, start=1)
    )


def _satisfaction() -> list[ElementSpec]:
    elements: list[ElementSpec] = []
    number = 0
    for code, name, name_en, aspect, rows, (topic, topic_en) in SATISFACTION:
        items = []
        for vi, en in rows:
            number += 1
            items.append(sat5(f"C9.{number}", vi, en))
        items.append(
            sat5(
                f"HL.{code}",
                f"Nói chung, Ông/Bà hài lòng như thế nào về {topic}?",
                f"Overall, how satisfied are you with {topic_en}?",
                role=Item.Role.GENERAL,
                short=True,
            )
        )
        elements.append(ElementSpec(code, name, name_en, INDEX, tuple(items), aspect=aspect))
        if code == "I.D":
            elements.append(_aspect_overall("I", POLICY_ASPECT))
    elements.append(_aspect_overall("II", SERVICE_ASPECT))
    return elements


POLICY_ASPECT = (
    "việc xây dựng, tổ chức thực hiện chính sách công ở địa phương",
    "how local government makes and carries out public policies",
)
SERVICE_ASPECT = (
    "việc cung ứng dịch vụ hành chính công",
    "the delivery of public administrative services",
)


def _aspect_overall(aspect: str, topic: tuple[str, str]) -> ElementSpec:
    return ElementSpec(
        f"{aspect}.HL",
        f"Đánh giá chung về {topic[0]}",
        f"Overall assessment of {topic[1]}",
        OTHER,
        (
            sat5(
                f"HL.{aspect}",
                f"Nói chung, Ông/Bà hài lòng như thế nào về {topic[0]}?",
                f"Overall, how satisfied are you with {topic[1]}?",
                role=Item.Role.OVERALL,
                short=True,
            ),
        ),
        aspect=aspect,
    )


SIPAS_2023 = TemplateSpec(
    family="sipas-2023",
    version=1,
    title="Phiếu khảo sát sự hài lòng của người dân đối với sự phục vụ của cơ quan hành chính "
    "nhà nước (SIPAS 2023–2026)",
    title_en="Survey of residents' satisfaction with the service of state administrative "
    "agencies (SIPAS 2023–2026)",
    intro="Phiếu theo phương pháp đo lường sự hài lòng giai đoạn 2023–2026 (Quyết định số "
    "1001/QĐ-BNV ngày 11/12/2023 của Bộ Nội vụ). Xin Ông/Bà chọn phương án phù hợp với đánh giá, "
    "cảm nhận của mình. “Chính sách” ở đây là các quy định, chương trình, hoạt động của chính "
    "quyền, cơ quan hành chính nhà nước ở địa phương. Thông tin Ông/Bà cung cấp được giữ kín và "
    "chỉ dùng cho mục đích thống kê.",
    intro_en="Questionnaire of the 2023–2026 satisfaction measurement method (Decision "
    "1001/QĐ-BNV of 11/12/2023, Ministry of Home Affairs). Please choose the answer that matches "
    "your own view. “Policies” means the rules, programmes and actions of local government and "
    "state administrative agencies. Your answers are kept confidential and used for statistics "
    "only.",
    estimated_minutes=25,
    element_rule=MEAN_OF_ITEMS,
    overall_rule=Questionnaire.OverallRule.MEAN_OF_ASPECTS,
    aspects=(
        AspectSpec(
            "I",
            "Xây dựng, tổ chức thực hiện chính sách",
            "Making and implementing policies",
        ),
        AspectSpec(
            "II",
            "Cung ứng dịch vụ hành chính công",
            "Delivery of public administrative services",
        ),
    ),
    elements=(
        ElementSpec(
            "A",
            "Thông tin về người trả lời",
            "About you",
            PROFILE,
            (GENDER, ETHNICITY, AGE, EDUCATION, OCCUPATION),
        ),
        ElementSpec(
            "C1",
            "Câu 1. Mức độ quan tâm theo dõi các chính sách công ở địa phương",
            "Question 1. How closely you follow local public policies",
            PERCEPTION,
            _rows(
                "C1",
                Scale.INTEREST4,
                [(f"Chính sách {vi} ở địa phương", f"The {en} policy") for vi, en in POLICIES],
                Item.Role.PERCEPTION,
            ),
        ),
        ElementSpec(
            "C2",
            "Câu 2. Kênh thông tin theo dõi chính sách",
            "Question 2. Channels for following policies",
            PERCEPTION,
            (
                ItemSpec(
                    "C2",
                    "Trong thời gian qua, Ông/Bà đã sử dụng những kênh thông tin nào để theo dõi "
                    "các chính sách nêu ở Câu 1? (có thể chọn nhiều)",
                    "Which channels have you used to follow the policies in question 1? "
                    "(choose all that apply)",
                    Scale.MULTI,
                    role=Item.Role.PERCEPTION,
                    options=tuple(CHANNELS),
                    positive_levels=(),
                ),
            ),
        ),
        ElementSpec(
            "C3",
            "Câu 3. Mức độ phù hợp của các hình thức cung cấp thông tin về chính sách",
            "Question 3. How suitable the ways of informing about policies are for you",
            PERCEPTION,
            _rows(
                "C3",
                Scale.SUIT4,
                [
                    (f"Cung cấp thông tin về chính sách {vi[0].lower()}{vi[1:]}", en)
                    for vi, en in CHANNELS
                ],
                Item.Role.PERCEPTION,
            ),
        ),
        ElementSpec(
            "C4",
            "Câu 4. Tham gia góp ý về chính sách",
            "Question 4. Giving feedback on policies",
            PERCEPTION,
            (
                single(
                    "C4",
                    "Trong thời gian tới, nếu cơ quan nhà nước tổ chức xin ý kiến người dân về các "
                    "chính sách nêu ở Câu 1, Ông/Bà có tham gia góp ý kiến không?",
                    "If the authorities ask residents for their views on the policies in "
                    "question 1, would you take part?",
                    [
                        (
                            "Sẽ tham gia, nếu được xin ý kiến theo bất kỳ hình thức nào",
                            "Yes, in any form",
                        ),
                        (
                            "Sẽ tham gia, nếu được gửi phiếu xin ý kiến đến nhà, cơ quan",
                            "Yes, if a form is sent to my home or workplace",
                        ),
                        (
                            "Sẽ tham gia, nếu được xin ý kiến tại cuộc họp cư dân nơi sinh sống",
                            "Yes, at a residents' meeting where I live",
                        ),
                        (
                            "Sẽ tham gia, nếu được xin ý kiến theo hình thức trực tuyến",
                            "Yes, online",
                        ),
                    ],
                    role=Item.Role.PERCEPTION,
                ),
            ),
        ),
        ElementSpec(
            "C5",
            "Câu 5. Tình trạng công chức gây phiền hà, sách nhiễu",
            "Question 5. Civil servants causing trouble",
            PERCEPTION,
            (
                single(
                    "C5",
                    "Ông/Bà cảm nhận như thế nào về tình trạng công chức gây phiền hà, sách nhiễu "
                    "cho người dân trong quá trình giải quyết thủ tục hành chính hiện nay ở địa "
                    "phương?",
                    "How do you see civil servants causing trouble or harassing residents when "
                    "handling procedures in your area today?",
                    [
                        (
                            "Không có công chức nào gây phiền hà, sách nhiễu cho người dân",
                            "No civil servant causes trouble for residents",
                        ),
                        (
                            "Có một số công chức gây phiền hà, sách nhiễu cho người dân",
                            "Some civil servants cause trouble for residents",
                        ),
                        (
                            "Có nhiều công chức gây phiền hà, sách nhiễu cho người dân",
                            "Many civil servants cause trouble for residents",
                        ),
                    ],
                    role=Item.Role.PERCEPTION,
                    positive=(1,),
                ),
            ),
        ),
        ElementSpec(
            "C6",
            "Câu 6. Tình trạng chi tiền ngoài quy định",
            "Question 6. Informal payments",
            PERCEPTION,
            (
                single(
                    "C6",
                    "Ông/Bà suy nghĩ gì về tình trạng người dân phải đưa tiền ngoài quy định (còn "
                    "gọi là “tiền bôi trơn”) cho công chức trong quá trình giải quyết thủ tục hành "
                    "chính hiện nay ở địa phương?",
                    "What do you think about residents having to pay civil servants money beyond "
                    "the official fees (“grease money”) for procedures in your area today?",
                    [
                        (
                            "Không có người dân nào phải đưa tiền ngoài quy định cho công chức",
                            "No resident has to pay extra money",
                        ),
                        (
                            "Có một số người dân phải đưa tiền ngoài quy định cho công chức",
                            "Some residents have to pay extra money",
                        ),
                        (
                            "Có nhiều người dân phải đưa tiền ngoài quy định cho công chức",
                            "Many residents have to pay extra money",
                        ),
                    ],
                    role=Item.Role.PERCEPTION,
                    positive=(1,),
                ),
            ),
        ),
        ElementSpec(
            "C7",
            "Câu 7. Mức độ phù hợp của các hình thức giải quyết thủ tục hành chính",
            "Question 7. How suitable the ways of completing procedures are for you",
            PERCEPTION,
            _rows(
                "C7",
                Scale.SUIT4,
                [
                    (
                        "Nộp hồ sơ và nhận kết quả trực tiếp tại cơ quan nhà nước",
                        "Submitting and receiving the result in person",
                    ),
                    (
                        "Nộp hồ sơ và nhận kết quả trực tuyến toàn trình (mọi bước qua mạng "
                        "internet)",
                        "Fully online (every step on the internet)",
                    ),
                    (
                        "Nộp hồ sơ và nhận kết quả trực tuyến một phần (một số bước trực tiếp, "
                        "một số bước qua mạng internet)",
                        "Partly online (some steps in person, some on the internet)",
                    ),
                ],
                Item.Role.PERCEPTION,
            ),
        ),
        ElementSpec(
            "C8",
            "Câu 8. Trải nghiệm của bản thân",
            "Question 8. Your own experience",
            PERCEPTION,
            _rows("C8", Scale.YESNO, EXPERIENCES, Item.Role.PERCEPTION),
        ),
        *_satisfaction(),
        ElementSpec(
            "HL",
            "Đánh giá chung",
            "Overall assessment",
            OTHER,
            (
                sat5(
                    "HL",
                    "Nói chung, Ông/Bà hài lòng như thế nào về sự phục vụ của cơ quan hành chính "
                    "nhà nước ở địa phương?",
                    "Overall, how satisfied are you with the service of the state administrative "
                    "agencies in your area?",
                    role=Item.Role.OVERALL,
                    short=True,
                ),
            ),
        ),
        ElementSpec(
            "C10",
            "Câu 10. Mong muốn cải thiện chất lượng phục vụ",
            "Question 10. What you want improved",
            EXPECTATION,
            _rows("C10", Scale.DESIRE4, EXPECTATIONS, Item.Role.EXPECTATION),
        ),
        ElementSpec("YK", "Ý kiến khác", "Other comments", OTHER, (COMMENT,)),
    ),
)
