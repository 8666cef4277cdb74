"""The registration form a new site starts with: the fields the source documents list for a
volunteer's record, and the privacy notice."""

from stations.models import RegistrationFormField, RegistrationFormPage
from stations.volunteers.models import MOBILE, NAME, TEAM


def default_registration_fields() -> list[dict]:
    """The fields the source documents list for a volunteer's record (穗民案〔2020〕102号)."""
    return [
        dict(label="姓名", field_type=NAME, required=True, help_text="请填写真实姓名。"),
        dict(
            label="手机号码",
            field_type=MOBILE,
            required=True,
            help_text="11 位中国大陆手机号，站点会用它联系您。",
        ),
        dict(
            label="年龄",
            field_type="number",
            required=True,
            help_text="周岁。未满 18 周岁请在监护人同意后报名。",
        ),
        dict(
            label="政治面貌",
            field_type="dropdown",
            required=True,
            choices="中共党员\n中共预备党员\n共青团员\n民主党派\n群众",
        ),
        dict(
            label="联系地址",
            field_type="singleline",
            required=False,
            help_text="写到小区或社区即可，方便安排就近服务。",
        ),
        dict(
            label="可服务时间",
            field_type="checkboxes",
            required=True,
            choices="工作日白天\n工作日晚上\n周末",
            help_text="可多选。",
        ),
        dict(
            label="健康状况",
            field_type="dropdown",
            required=False,
            sensitive=True,
            choices="身体健康\n有慢性病，可参加轻体力服务\n不便参加体力类服务",
            help_text="用于安排适合您的服务岗位。",
        ),
        dict(
            label="兴趣爱好",
            field_type="singleline",
            required=False,
            help_text="如 阅读、书法、摄影、运动。",
        ),
        dict(
            label="专业技能",
            field_type="multiline",
            required=False,
            help_text="如 医护、法律、心理咨询、驾驶、外语、电脑维修。",
        ),
        dict(
            label="加入的队伍",
            field_type=TEAM,
            required=False,
            help_text="可不选，站点会根据您的情况安排。",
        ),
    ]


DEFAULT_PRIVACY_NOTICE = (
    "<p>您在本表单填写的信息，由您选择的站点用于联系您、安排志愿服务和记录服务时数。</p>"
    "<ul><li>能看到这些信息的只有所选站点的管理员和本门户的管理人员。</li>"
    "<li>健康状况属于敏感个人信息，只有在您单独同意后才会收集，不填写也可以报名。</li>"
    "<li>您退出志愿服务或撤回同意后，站点会删除您的信息；如需查询、更正或删除，请联系站点。</li>"
    "</ul>"
)


def create_registration_form(*, parent, title, slug, **fields) -> RegistrationFormPage:
    """Create and publish a registration form under `parent` with the default fields.

    `fields` sets page fields (intro, privacy_notice, thank_you_text, to_address, is_demo …);
    whether such a form already exists is the caller's question.
    """
    fields.setdefault("privacy_notice", DEFAULT_PRIVACY_NOTICE)
    page = RegistrationFormPage(title=title, slug=slug, **fields)
    for order, definition in enumerate(default_registration_fields()):
        page.form_fields.add(RegistrationFormField(sort_order=order, **definition))
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page
