"""Request and response shapes of the auth API."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt

from app.accounts.enums import Role
from app.accounts.security import PASSWORD_MIN_LENGTH
from app.core.schemas import JsonIn, Line

USERNAME_PATTERN = r"^[A-Za-z0-9_.@-]{3,64}$"
PHONE_PATTERN = r"^1[3-9]\d{9}$"


class TokenRead(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int = Field(description="有效期（秒）")


class OrganizationCreate(JsonIn):
    name: Line = Field(min_length=2, max_length=200, description="单位名称")
    uscc: Line = Field(min_length=1, max_length=32, description="统一社会信用代码（GB 32100）")


class OrganizationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    name: str
    uscc: str


class DepartmentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    code: str
    name: str
    kind: str
    reviews_projects: bool


class UserCreate(JsonIn):
    """A staff account created by the administrator (or ``baozu create-user``)."""

    username: str = Field(pattern=USERNAME_PATTERN, description="用户名：3–64 位字母、数字或 _.@-")
    password: str = Field(min_length=PASSWORD_MIN_LENGTH, max_length=128)
    role: Role
    full_name: Line | None = Field(default=None, min_length=1, max_length=100)
    phone: str | None = Field(default=None, pattern=PHONE_PATTERN)
    id_number: Line | None = Field(default=None, max_length=32, description="公民身份号码")
    organization_id: StrictInt | None = None
    department_id: StrictInt | None = None


class RegisterRequest(JsonIn):
    """Tenant self-registration (design.md API map)."""

    username: str = Field(pattern=USERNAME_PATTERN, description="用户名：3–64 位字母、数字或 _.@-")
    password: str = Field(min_length=PASSWORD_MIN_LENGTH, max_length=128)
    full_name: Line = Field(min_length=1, max_length=100, description="姓名")
    id_number: Line = Field(max_length=32, description="公民身份号码（18 位）")
    phone: str = Field(pattern=PHONE_PATTERN, description="手机号码")


class UserUpdate(JsonIn):
    is_active: StrictBool | None = None


class UserRead(BaseModel):
    """A user as others see them: the 身份证 number masked."""

    model_config = ConfigDict(from_attributes=True)
    id: int
    username: str
    role: Role
    role_label: str
    full_name: str | None
    organization: OrganizationRead | None
    department: DepartmentRead | None
    id_number_masked: str | None
    is_active: bool


class MeRead(UserRead):
    """The user themself: the full 身份证 number and phone are theirs to see."""

    id_number: str | None
    phone: str | None
