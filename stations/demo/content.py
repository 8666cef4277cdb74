"""What the demo stations say: texts drawn from the source documents, and their mix of types."""

from dataclasses import dataclass

STATION_INTRO = (
    "<p>在地图上找到离您最近的志愿服务站点，看看它是否达到“七个有”建设标准、提供哪些服务，"
    "然后就近报名成为志愿者。没有定位？在“我在哪个街道”里选择您所在的街道或社区即可。</p>"
)
PRIVACY_NOTICE = (
    "<p>您填写的信息只用于所选站点联系您、安排志愿服务和记录服务时长，"
    "只有该站点的管理员和市、区志愿服务主管部门可以查看，不会公开，也不会提供给其他机构。</p>"
    "<p>健康状况属于敏感个人信息，只有您另行单独勾选同意时才会收集，仅用于为您安排合适的服务岗位。"
    "您可以随时联系站点查询、更正或删除您的信息，撤回同意不影响此前已经进行的处理。</p>"
    "<p>注册信息保存至您退出志愿者队伍后一年。</p>"
)
THANK_YOU = (
    "<p>站点工作人员会在 3 个工作日内通过您留下的手机号联系您，确认服务时间和岗位。</p>"
    "<p>第一次参加服务前，请留意站点发布的志愿者培训安排；参加服务时请携带身份证件。</p>"
)

# What each kind of station does, drawn from the source documents.
TYPE_PROFILES = {
    "社工站": {
        "title": "{street}社会工作服务站",
        "team": "{street}社工志愿服务队",
        "summary": "镇（街）社工站，“社工+志愿者”联动，为长者、青少年和困难群众提供服务",
        "services": [
            "长者探访、助餐配餐和居家照顾志愿服务",
            "困境儿童和青少年课业辅导",
            "“社工+慈善”：链接社区慈善资源，开展社区公益微创投",
            "志愿者招募、培训和服务时长记录（时间银行）",
        ],
        "hours": "周一至周五 9:00–12:00，14:00–17:30",
    },
    "学雷锋志愿服务站": {
        "title": "{street}学雷锋志愿服务站",
        "team": "{street}学雷锋志愿服务队",
        "summary": "社区学雷锋志愿服务站，常态化开展便民服务和文明实践活动",
        "services": [
            "便民服务：义剪、义诊、家电维修",
            "文明引导和垃圾分类宣传",
            "邻里互助和关爱独居长者",
        ],
        "hours": "周二至周日 9:00–17:00",
    },
    "慈善捐赠站点": {
        "title": "{street}慈善捐赠站点",
        "team": "{street}慈善志愿服务队",
        "summary": "设在社工站的慈善捐赠站点，接收社会捐赠，支持社区慈善基金",
        "services": [
            "接收衣物、图书、文具等物资捐赠，公开去向",
            "社区慈善基金募集和使用公示",
            "困难家庭物资援助",
        ],
        "hours": "周一至周六 9:00–17:30",
    },
    "公共文化设施志愿服务站点": {
        "title": "{district}图书馆志愿服务站点",
        "team": "{district}图书馆志愿服务队",
        "summary": "公共文化设施志愿服务站点，招募阅读推广和文化导览志愿者",
        "services": ["图书整理和借阅指引", "少儿阅读推广和故事会", "文化讲座现场服务"],
        "hours": "周二至周日 9:30–20:30",
    },
    "城市志愿服务站": {
        "title": "{street}城市志愿服务站",
        "team": "{street}城市志愿服务队",
        "summary": "设在街头的城市志愿服务站，提供问询指引和应急帮助",
        "services": ["问路指引和旅游咨询", "应急救护和失物招领", "文明劝导"],
        "hours": "每天 9:00–21:00",
    },
}
# The rotation of types over each district's streets.
TYPE_ROTATION = ["社工站", "学雷锋志愿服务站", "慈善捐赠站点", "城市志愿服务站"]
EVIDENCE_NOTES = {
    "sign": "站点门口悬挂全市统一的志愿服务站点标识牌。",
    "office": "固定办公场所约 40 平方米，配有桌椅、电脑和资料柜。",
    "team": "注册志愿者队伍 1 支，在册志愿者 36 人。",
    "rules": "已建立志愿者招募、培训、服务记录和嘉许激励等管理制度。",
    "ledger": "志愿服务工作台账按月归档，含活动记录和服务时长登记。",
    "services": "服务项目清单已在站点公示栏和本页面公开。",
    "activities": "每月至少开展 2 次志愿服务活动，最近一次见活动记录。",
}


@dataclass(frozen=True)
class Compliance:
    """How a demo station stands on the 七个有: a realistic mix across the city."""

    name: str
    stale: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()


COMPLIANCE_MIX = [
    Compliance("fresh"),
    Compliance("fresh"),
    Compliance("stale", stale=("ledger",)),
    Compliance("fresh"),
    Compliance("missing", missing=("activities", "rules")),
]
