"""The institution sheet: one row per institution, as district offices keep their lists (issue #9).

Classes are described per class type (乳儿班数 / 乳儿班托位数 / 乳儿班保育人员数 …), services by their
prices (全日托收费 …). The same spec reads uploads, writes the template (with its 说明 sheet) and
writes the export, so an exported sheet loads back unchanged.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tuoyu.core.sheets import (
    Boolean,
    Choice,
    Column,
    CreditCode,
    Date,
    DivisionCode,
    Integer,
    Number,
    SheetSpec,
    Text,
    Time,
)

from .choices import (
    ClassType,
    DemonstrationLevel,
    Ownership,
    RegistrationType,
    ServiceModel,
    ServiceType,
    Status,
)

# Words offices use for the registry's choices, beyond the labels and codes themselves.
REGISTRATION_ALIASES = {
    "民办非企业单位": RegistrationType.SOCIAL_ORGANIZATION, "民非": RegistrationType.SOCIAL_ORGANIZATION,
    "社会组织": RegistrationType.SOCIAL_ORGANIZATION, "民办非企业": RegistrationType.SOCIAL_ORGANIZATION,
    "公司": RegistrationType.ENTERPRISE, "企业法人": RegistrationType.ENTERPRISE, "有限公司": RegistrationType.ENTERPRISE,
    "事业": RegistrationType.PUBLIC_INSTITUTION, "事业法人": RegistrationType.PUBLIC_INSTITUTION,
    "个体": RegistrationType.INDIVIDUAL_BUSINESS, "个体户": RegistrationType.INDIVIDUAL_BUSINESS,
}
SERVICE_MODEL_ALIASES = {
    "家庭托育": ServiceModel.HOME_BASED, "家庭式托育点": ServiceModel.HOME_BASED, "家庭托育点位": ServiceModel.HOME_BASED,
    "社区托育": ServiceModel.COMMUNITY_EMBEDDED, "社区嵌入式托育": ServiceModel.COMMUNITY_EMBEDDED,
    "社区托育点": ServiceModel.COMMUNITY_EMBEDDED, "社区嵌入": ServiceModel.COMMUNITY_EMBEDDED,
    "托幼一体化": ServiceModel.KINDERGARTEN_INTEGRATED, "幼儿园托班": ServiceModel.KINDERGARTEN_INTEGRATED,
    "幼儿园开设托班": ServiceModel.KINDERGARTEN_INTEGRATED,
    "用人单位办托": ServiceModel.EMPLOYER_SPONSORED, "单位办托": ServiceModel.EMPLOYER_SPONSORED,
    "单位福利": ServiceModel.EMPLOYER_SPONSORED, "职工福利": ServiceModel.EMPLOYER_SPONSORED,
    "独立": ServiceModel.STANDALONE, "独立机构": ServiceModel.STANDALONE, "托育中心": ServiceModel.STANDALONE,
    "独立设置": ServiceModel.STANDALONE,
}
OWNERSHIP_ALIASES = {
    "公办民营": Ownership.PUBLIC_BUILT_PRIVATE_RUN, "民营": Ownership.PRIVATE, "私立": Ownership.PRIVATE,
    "国有企业": Ownership.STATE_OWNED_ENTERPRISE, "国有": Ownership.STATE_OWNED_ENTERPRISE,
    "高等院校": Ownership.UNIVERSITY, "单位": Ownership.EMPLOYER, "机关事业单位": Ownership.EMPLOYER,
}
STATUS_ALIASES = {
    "筹建": Status.PREPARING, "筹备中": Status.PREPARING, "登记": Status.REGISTERED, "已注册": Status.REGISTERED,
    "备案": Status.FILED, "已备案运营": Status.FILED, "停业": Status.SUSPENDED, "暂停营业": Status.SUSPENDED,
    "停办": Status.SUSPENDED, "已注销": Status.DEREGISTERED, "关闭": Status.DEREGISTERED,
}
DEMONSTRATION_ALIASES = {
    "国家级": DemonstrationLevel.NATIONAL, "全国示范": DemonstrationLevel.NATIONAL,
    "省级": DemonstrationLevel.PROVINCE, "市级": DemonstrationLevel.CITY,
    "区级": DemonstrationLevel.DISTRICT, "县级": DemonstrationLevel.DISTRICT, "区县级": DemonstrationLevel.DISTRICT,
    "否": DemonstrationLevel.NONE, "非示范": DemonstrationLevel.NONE, "-": DemonstrationLevel.NONE,
}

# Column keys for the per-type class columns and the per-type price columns.
CLASS_KEYS = {t: (f"{t}_classes", f"{t}_places", f"{t}_caregivers") for t in ClassType.values}
PRICE_KEYS = {t: f"{t}_price" for t in ServiceType.values}
PRICE_HEADERS = {
    ServiceType.FULL_DAY: (_("全日托收费（元/月）"), ("全日托价格", "全日托收费", "全日托收费标准")),
    ServiceType.HALF_DAY: (_("半日托收费（元/月）"), ("半日托价格", "半日托收费", "半日托收费标准")),
    ServiceType.HOURLY: (_("计时托收费（元/小时）"), ("计时托价格", "计时托收费", "计时托收费标准")),
    ServiceType.TEMPORARY: (_("临时托收费（元/天）"), ("临时托价格", "临时托收费", "临时托收费标准")),
}
CLASS_LABELS = {
    ClassType.INFANT: ("乳儿班", "乳儿"), ClassType.TODDLER: ("托小班", "托小"),
    ClassType.OLDER_TODDLER: ("托大班", "托大"), ClassType.MIXED: ("混合班", "混合编班"),
}


def _class_columns() -> list[Column]:
    out = []
    for t in ClassType.values:
        label, short = CLASS_LABELS[t]
        k_classes, k_places, k_staff = CLASS_KEYS[t]
        out += [
            Column(k_classes, f"{label}数", Integer(units=("个", "班")),
                   help=_("该班型的班级个数；不填而填了托位数时，按每班人数上限推算。"), example="2",
                   aliases=(f"{label}班数", f"{label}个数", f"{short}班数", f"{label}(个)"), width=10),
            Column(k_places, f"{label}托位数", Integer(units=("个", "人", "位")),
                   help=_("该班型的计划托位合计，按班数平均分到各班；每班不得超过国家标准上限。"), example="30",
                   aliases=(f"{label}计划托位数", f"{label}托位", f"{label}人数", f"{short}托位数",
                            f"{label}收托人数"), width=12),
            Column(k_staff, f"{label}保育人员数", Integer(units=("人", "名")),
                   help=_("该班型各班保育人员合计；用于核对师幼比，可不填。"), example="6",
                   aliases=(f"{label}保育人员", f"{label}保育员数", f"{short}保育人员数"), width=12),
        ]
    return out


def _price_columns() -> list[Column]:
    return [
        Column(PRICE_KEYS[t], header, Number(2, units=("元", "元/月", "元/天", "元/小时", "元/时")),
               help=_("填了价格即表示提供该服务；不提供的留空。"), example="2800" if t == ServiceType.FULL_DAY else "",
               aliases=aliases, width=14)
        for t, (header, aliases) in PRICE_HEADERS.items()
    ]


INSTITUTIONS = SheetSpec(
    name=_("托育机构"),
    columns=(
        Column("name", _("机构名称"), Text(100), required=True, help=_("营业执照或登记证书上的名称。"),
               example="成都市锦江区小橡树托育中心有限公司", aliases=("名称", "机构全称", "托育机构名称", "单位名称"), width=30),
        Column("credit_code", _("统一社会信用代码"), CreditCode(),
               help=_("用于识别机构：系统中已有该代码的机构按本行更新，否则新增。没有代码的，按“机构名称+所属街道”识别。"),
               example="91510104MA6CXXXXXX", aliases=("社会信用代码", "信用代码", "统一代码", "组织机构代码"), width=22),
        Column("district", _("所属区县"), Text(50), help=_("可不填；街道名称重名时用它区分，填了须与街道一致。"),
               example="锦江区", aliases=("区县", "所在区县", "区(市)县", "区（市、县）", "区市县", "区域"), width=12),
        Column("street_name", _("所属街道/镇"), Text(50),
               help=_("街道或乡镇的名称，须与本市一个街道完全一致（可省略“街道”二字）；也可改填“街道代码”。"),
               example="书院街街道", aliases=("所属街道", "街道", "街道（镇）", "乡镇（街道）", "所在街道", "街道/乡镇", "街镇"), width=14),
        Column("street_code", _("街道代码"), DivisionCode(), help=_("9位或12位街道/镇区划代码；与街道名称都填时须一致。"),
               example="510104023", aliases=("街道区划代码", "所属街道代码", "乡镇街道代码"), width=14),
        Column("address", _("地址"), Text(200), required=True, example="锦江区东大街下东大街段88号",
               aliases=("详细地址", "机构地址", "办公地址", "经营地址", "服务场所地址"), width=30),
        Column("latitude", _("纬度"), Number(6, min_value=None), help=_("十进制度（CGCS2000/WGS-84），须在中国境内。"),
               example="30.653512", aliases=("北纬",)),
        Column("longitude", _("经度"), Number(6, min_value=None), help=_("十进制度，须在中国境内。"), example="104.083947",
               aliases=("东经",)),
        Column("registration_type", _("登记类型"), Choice(RegistrationType, aliases=REGISTRATION_ALIASES), required=True,
               help=_("营业执照为企业，事业单位法人证书为事业单位，民办非企业单位登记证书为社会服务机构。"), example="企业",
               aliases=("登记机关类型", "法人类型", "登记性质"), width=14),
        Column("service_model", _("服务模式"), Choice(ServiceModel, aliases=SERVICE_MODEL_ALIASES), required=True,
               example="独立托育机构", aliases=("托育服务模式", "机构类型", "办托模式", "类型"), width=16),
        Column("ownership", _("举办性质"), Choice(Ownership, aliases=OWNERSHIP_ALIASES), required=True, example="民办",
               aliases=("性质", "举办主体", "举办类型", "办托性质"), width=12),
        Column("status", _("状态"), Choice(Status, aliases=STATUS_ALIASES),
               help=_("不填：新机构为“筹备”，已有机构保持不变。"), example="已备案", aliases=("机构状态", "运营状态")),
        Column("filing_number", _("备案编号"), Text(50), help=_("已备案机构须填写。"), example="锦卫托备〔2023〕015号",
               aliases=("备案号", "备案证号", "备案回执编号"), width=20),
        Column("filed_on", _("备案日期"), Date(), example="2023-05-06", aliases=("备案时间", "备案回执日期"), width=12),
        Column("puhui", _("普惠性"), Boolean(), help=_("不填视为“否”。"), example="是", aliases=("是否普惠", "普惠", "普惠托育", "是否普惠性")),
        Column("puhui_price", _("普惠价格（元/月）"), Number(2, units=("元", "元/月")), help=_("普惠机构须填写核定价格。"),
               example="1800", aliases=("普惠核定价格", "普惠收费标准", "普惠价格", "普惠托位价格"), width=14),
        Column("demonstration_level", _("示范等级"), Choice(DemonstrationLevel, aliases=DEMONSTRATION_ALIASES),
               help=_("不填视为“无”。"), example="市级示范", aliases=("示范级别", "示范", "示范性托育机构")),
        Column("contact_phone", _("联系电话"), Text(20),
               help=_("11位手机号或带区号的固定电话。导出的手机号已打码（如138****5678），原样导回时保持系统中的号码不变。"),
               example="028-86612345",
               aliases=("电话", "联系方式", "手机", "联系人电话", "机构电话"), width=14),
        Column("building_area_m2", _("建筑面积（㎡）"), Number(1, units=("㎡", "m2", "m²", "平方米", "平米")),
               example="650", aliases=("建筑面积", "面积", "使用面积"), width=12),
        Column("outdoor_area_m2", _("户外场地面积（㎡）"), Number(1, units=("㎡", "m2", "m²", "平方米", "平米")),
               example="160", aliases=("户外面积", "户外活动场地面积", "户外场地面积"), width=12),
        Column("opens_at", _("开园时间"), Time(), example="08:00", aliases=("入园时间", "开始时间", "营业开始时间")),
        Column("closes_at", _("离园时间"), Time(), example="17:30", aliases=("结束时间", "营业结束时间")),
        Column("open_days", _("服务日"), Text(50), example="周一至周五", aliases=("服务时间", "开放日")),
        *_class_columns(),
        Column("total_places", _("托位总数"), Integer(units=("个", "位")),
               help=_("仅供核对：与各班型托位数之和不一致时给出提示；只填总数而不填班型时，班级不导入。"),
               example="60", aliases=("总托位数", "计划托位数", "托位数", "核定托位数"), width=10),
        *_price_columns(),
    ),
    notes=(
        _("每行一家机构。统一社会信用代码已在系统中的，按本行更新该机构；没有代码的，按“机构名称+所属街道”完全一致识别，找不到则新增。"),
        _("文件中没有的列，已有机构的对应信息保持不变；某一班型的列都没有时，该班型的班级保持不变。"),
        _("违反托育机构设置标准的（如师幼比不足、生均面积不足）只作提示，不影响导入；数据本身无效的（如信用代码校验位错误、班级超过人数上限）会被拒收。"),
    ),
    one_of=(("street_name", "street_code"),),
)
