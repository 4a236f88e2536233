"""foundation: accounts, audit chain, calendar

Creates organisations, departments (seeded from annex 1 of 景府办发〔2022〕3号), user
accounts, the hash-chained audit trail with its head row, and administrator-entered
calendar years. On PostgreSQL a trigger makes ``audit_event`` append-only.

Revision ID: 13c029fcd190
Revises:
Create Date: 2026-11-29 02:48:45.260330
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '13c029fcd190'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY_FUNCTION = """
CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_event is append-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$
"""

# 附件1 市直有关单位工作职责: (code, name, kind, takes part in joint project review, duties)
ANNEX_1_DEPARTMENTS = [
    ("zhujian", "市住建局", "government", True,
     "牵头制定全市保障性租赁住房政策及配套措施，编制发展规划和年度建设计划，督促指导保障工作，"
     "负责住房租赁平台的建设、维护和管理；委托租金评估，审核确认房源"),
    ("fagai", "市发改委", "government", True,
     "协调争取中央预算内投资支持，牵头指导项目审批（核准、备案），落实民用水电气价格政策，"
     "做好专项债项目梳理和企业债券储备申报，对保障性租赁住房租金进行备案"),
    ("caizheng", "市财政局", "government", True,
     "协调争取中央、省级财政资金支持，制定各级奖补资金管理办法，落实相关工作经费，指导财政资金绩效评价"),
    ("rencai", "景漂景归人才服务局市招才引智局", "government", False,
     "提供景归景漂人口数据和人才数据，了解景归景漂人员和各类人才的住房需求"),
    ("gongan", "市公安局", "government", False,
     "提供户籍人口、外来人口等数据，指导办理户口迁入或居住证等事宜"),
    ("jiguan", "市机关事务管理中心", "government", False,
     "提供符合条件的机关事业单位人员数量，了解相关人员住房需求，协助相关小区或楼栋的动态监管"),
    ("renshe", "市人社局", "government", False, "将发展保障性租赁住房工作纳入政府激励体系"),
    ("ziranziyuan", "市自然资源规划局", "government", True,
     "落实保障性租赁住房项目用地和规划相关政策；不动产登记部门负责提供申请人房产信息"),
    ("jiaoti", "市教体局", "government", False,
     "统筹市属学校相关资金用于发展保障性租赁住房，保障承租户享受义务教育基本服务"),
    ("minzheng", "市民政局", "government", False, "保障承租户享受养老基本服务"),
    ("weijian", "市卫健委", "government", False, "为承租户提供医疗卫生技术服务"),
    ("guozi", "市国资委", "government", False,
     "统筹市属国有企业相关资金发展保障性租赁住房，指导市属国有企业开展项目建设、成立专业化规模化住房租赁企业"),
    ("shichang", "市市场监管局", "government", False,
     "指导为社会各类企业参与保障性租赁住房业务提供便利化登记服务"),
    ("tongji", "市统计局", "government", False, "提供涉及保障性租赁住房规划建设管理的有关统计数据"),
    ("shuiwu", "市税务局", "government", False, "督促落实社会各方参与保障性租赁住房税费优惠政策"),
    ("linye", "市林业局", "government", True, "根据职责落实保障性租赁住房项目审批验收相关政策"),
    ("nongye", "市农业农村局", "government", True, "根据职责落实保障性租赁住房项目审批验收相关政策"),
    ("shengtai", "市生态环境局", "government", True, "根据职责落实保障性租赁住房项目审批验收相关政策"),
    ("chengguan", "市城管局", "government", True, "根据职责落实保障性租赁住房项目审批验收相关政策"),
    ("renfang", "市人防办", "government", True, "根据职责落实保障性租赁住房项目审批验收相关政策"),
    ("yingji", "市应急局", "government", True, "根据职责落实保障性租赁住房项目审批验收相关政策"),
    ("gongjijin", "市住房公积金管理中心", "government", False,
     "指导落实保障性租赁住房承租户提取公积金用于支付租金政策"),
    ("zhengshu", "市政数局", "government", False,
     "技术指导住房租赁平台建设，将数据资源纳入市大数据资源中心管理"),
    ("yinbaojian", "景德镇银保监分局", "finance", False, "引导银行保险机构做好保障性租赁住房的资金支持工作"),
    ("renhang", "人行景市中心支行", "finance", False, "指导保障性租赁住房金融融资工作"),
    ("jinrong", "市金融服务中心", "finance", False, "指导保障性租赁住房金融融资工作"),
    ("water", "市水务公司", "utility", False,
     "指导落实保障性租赁住房项目经营性经费减半收取和执行民用水价等相关政策"),
    ("power", "市供电公司", "utility", False,
     "指导落实保障性租赁住房项目经营性经费减半收取和执行民用电价等相关政策"),
    ("gas", "华润燃气有限公司", "utility", False,
     "指导落实保障性租赁住房项目经营性经费减半收取和执行民用气价等相关政策"),
]


def upgrade() -> None:
    op.create_table('audit_chain_head',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_id', sa.BigInteger(), nullable=False),
    sa.Column('last_hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_chain_head'))
    )
    op.create_table('department',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('reviews_projects', sa.Boolean(), nullable=False),
    sa.Column('duties', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_department')),
    sa.UniqueConstraint('code', name=op.f('uq_department_code')),
    sa.UniqueConstraint('name', name=op.f('uq_department_name'))
    )
    op.create_table('organization',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organization')),
    sa.UniqueConstraint('name', name=op.f('uq_organization_name')),
    sa.UniqueConstraint('uscc', name=op.f('uq_organization_uscc'))
    )
    op.create_table('user_account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('full_name', sa.String(length=100), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('id_number_enc', sa.LargeBinary(), nullable=True),
    sa.Column('id_number_digest', sa.String(length=64), nullable=True),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('token_version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("role IN ('developer', 'office', 'department', 'leader', 'tenant', 'employer', 'auditor', 'admin')", name=op.f('ck_user_account_role_known')),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_user_account_department_id_department')),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_user_account_organization_id_organization')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_account')),
    sa.UniqueConstraint('id_number_digest', name=op.f('uq_user_account_id_number_digest')),
    sa.UniqueConstraint('username', name=op.f('uq_user_account_username'))
    )
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_account_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_user_account_organization_id'), ['organization_id'], unique=False)

    op.create_table('audit_event',
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('entity_type', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.String(length=64), nullable=False),
    sa.Column('summary', sa.JSON(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_audit_event_actor_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event')),
    sa.UniqueConstraint('hash', name=op.f('uq_audit_event_hash'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index('ix_audit_event_action_id', ['action', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index('ix_audit_event_entity', ['entity_type', 'entity_id', 'id'], unique=False)
        batch_op.create_index('ix_audit_event_occurred_at', ['occurred_at'], unique=False)

    op.create_table('calendar_year',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('holidays', sa.JSON(), nullable=False),
    sa.Column('makeup_workdays', sa.JSON(), nullable=False),
    sa.Column('notice', sa.String(length=200), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_calendar_year_updated_by_id_user_account')),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_calendar_year'))
    )

    op.bulk_insert(sa.table("audit_chain_head", sa.column("id", sa.Integer),
                            sa.column("last_id", sa.BigInteger),
                            sa.column("last_hash", sa.String)),
                   [{"id": 1, "last_id": 0, "last_hash": "0" * 64}])
    op.bulk_insert(sa.table("department", sa.column("code", sa.String), sa.column("name", sa.String),
                            sa.column("kind", sa.String), sa.column("reviews_projects", sa.Boolean),
                            sa.column("duties", sa.Text)),
                   [{"code": c, "name": n, "kind": k, "reviews_projects": r, "duties": d}
                    for c, n, k, r, d in ANNEX_1_DEPARTMENTS])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(APPEND_ONLY_FUNCTION)
        op.execute("CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
                   "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()")
        op.execute("CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
                   "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event")
        op.execute("DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event")
        op.execute("DROP FUNCTION IF EXISTS audit_event_append_only()")
    op.drop_table('calendar_year')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_event_occurred_at')
        batch_op.drop_index('ix_audit_event_entity')
        batch_op.drop_index(batch_op.f('ix_audit_event_actor_id'))
        batch_op.drop_index('ix_audit_event_action_id')

    op.drop_table('audit_event')
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_account_organization_id'))
        batch_op.drop_index(batch_op.f('ix_user_account_department_id'))

    op.drop_table('user_account')
    op.drop_table('organization')
    op.drop_table('department')
    op.drop_table('audit_chain_head')
