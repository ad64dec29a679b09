"""The prose sections of one commit's analysis, written by the rules or by the model."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

# Section names in report order; also the keys of `written_by`.
SECTION_NAMES = (
    "summary",
    "scope",
    "architecture",
    "performance",
    "security",
    "maintainability",
    "risks",
    "suggestions",
)

WRITER_RULES = "rules"
WRITER_MODEL = "model"


@dataclass(slots=True)
class Sections:
    """Chinese text for each analysis section of one commit."""

    summary: str = ""
    """变更摘要: what the commit does, one paragraph."""
    scope: str = ""
    """影响范围: components and areas the change reaches."""
    architecture: str = ""
    """技术洞察 / 架构影响."""
    performance: str = ""
    """技术洞察 / 性能影响."""
    security: str = ""
    """技术洞察 / 安全考虑."""
    maintainability: str = ""
    """技术洞察 / 可维护性."""
    risks: list[str] = field(default_factory=list)
    """潜在风险, one item a risk."""
    suggestions: list[str] = field(default_factory=list)
    """关注建议, one item a suggestion."""

    def to_dict(self) -> dict[str, object]:
        return asdict(self)
