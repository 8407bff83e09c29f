"""The two national questionnaire templates, as data (loaded by `manage.py load_questionnaires`).

- `sipas2017.SIPAS_2017` — family "sipas-2017": the 2017–2021 service-user survey, 5 elements and
  22 criteria coded "1.1" … "5.4", element questions "HL1" … "HL5", overall "HL", expectation
  "MD" (choose up to 3), profile "DT", "GT", "TUOI", "DANTOC", "HOCVAN", "NGHE", procedure field
  "LV", comment "YK".
- `sipas2023.SIPAS_2023` — family "sipas-2023": the 2023–2026 resident survey, the policy aspect
  "I" (4 elements) and the service aspect "II" (5 elements); items numbered as on the form
  ("C1.1" …, "C9.1" … "C9.39", "C10.1" … "C10.10"), inferred "in general" items "HL.…".

Each module's docstring gives its full code scheme. Everything in a national template is national
core (`is_core`), the free-text comment included: it is part of the national form, and keeping it
locked keeps its code and wording the same in every province's clone (a province adds its own
free-text questions in a local module). Codes are stable: a later version keeps a code for the
same question and never reuses one for another.
"""

from surveys.national.sipas2017 import SIPAS_2017
from surveys.national.sipas2023 import SIPAS_2023
from surveys.national.spec import AspectSpec, ElementSpec, ItemSpec, TemplateSpec

TEMPLATES: tuple[TemplateSpec, ...] = (SIPAS_2017, SIPAS_2023)

__all__ = ["SIPAS_2017", "SIPAS_2023", "TEMPLATES", "AspectSpec", "ElementSpec", "ItemSpec"]
