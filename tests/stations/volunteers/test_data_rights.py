"""我的数据 and the copy to take away (个人信息保护法 arts. 44–45), and the fresh code every data
right asks for. (Correcting and withdrawing: test_data_rights_changes.py; deleting the account:
test_data_rights_delete.py.)"""

import csv
import io
import json
import re

import pytest

from stations.models import LoginCode, Volunteer, VolunteerSession
from stations.sms import outbox
from stations.volunteers import session
from stations.volunteers.models import DataRightsLog
from tests.factories.stations import StationPageFactory, VolunteerRegistrationFactory
from tests.queries import captured_queries
from tests.shared_data import shared_fixture
from tests.stations.volunteers.data_rights import (
    ACTIONS,
    CONFIRM,
    DATA,
    DELETE,
    DELETED,
    DOWNLOAD,
    DOWNLOAD_CSV,
    DOWNLOAD_JSON,
    HEALTH,
    NAME,
    NAME_PAGE,
    OTHER_HEALTH,
    OTHER_MOBILE,
    OTHER_NAME,
    WITHDRAW,
    build_place,
    clear_limits,
    make_stale,
    signed_in_with_rows,
)
from tests.stations.volunteers.signing_in import LOGIN, MOBILE, last_code, sign_in

pytestmark = pytest.mark.django_db


@shared_fixture
def place():
    return build_place()


@pytest.fixture(autouse=True)
def no_limits_held():
    clear_limits()
    yield
    clear_limits()


def download(client, kind):
    response = client.get({"json": DOWNLOAD_JSON, "csv": DOWNLOAD_CSV}[kind])
    assert response.status_code == 200, response.content.decode()[:500]
    return response


def csv_rows(response) -> list[list[str]]:
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


# --- signed out -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [DATA, CONFIRM, *ACTIONS, DOWNLOAD_JSON, DOWNLOAD_CSV])
def test_signed_out_every_page_goes_to_the_log_in_and_back(client, place, path):
    responses = [client.get(path)]
    if path not in (DATA, DOWNLOAD, DOWNLOAD_JSON, DOWNLOAD_CSV):  # pages that take no POST
        responses.append(client.post(path, {"format": "json", "confirm": "on"}))
    for response in responses:
        assert response.status_code == 302
        assert response["Location"] == f"{LOGIN}?next={path}"
        assert response["Cache-Control"] == "private, no-store"
    assert not DataRightsLog.objects.exists()


def test_after_signing_in_from_there_it_comes_back(client, place):
    asked = client.post(LOGIN, {"action": "send", "mobile": MOBILE, "next": DATA})
    from tests.stations.volunteers.signing_in import token_of

    done = client.post(
        LOGIN, {"action": "verify", "token": token_of(asked), "code": last_code(), "next": DATA}
    )
    assert done["Location"] == DATA
    assert client.get(DATA).status_code == 200


# --- 我的数据 ---------------------------------------------------------------------------------


def test_my_data_shows_everything_held_about_me_and_nothing_of_anyone_else(client, place):
    volunteer, rows = signed_in_with_rows(client, place)
    response = client.get(DATA)
    assert response.status_code == 200
    page = response.content.decode()
    assert volunteer.number in page and NAME in page
    assert "138****5678" in page and MOBILE not in page
    assert "下载的文件里是完整号码" in page
    # Each sign-up: activity, station, status, attendance.
    for title in ("社区清洁日", "上月义诊"):
        assert title in page
    assert place["station"].title in page and "已确认" in page and "出席" in page
    # Each registration, every answer by its form label, the sensitive one marked.
    assert place["station_b"].title in page
    for label in ("年龄", "政治面貌", "可服务时间", "健康状况", "专业技能"):
        assert f"<dt>{label}" in page, label
    assert HEALTH in page and "护理<br>驾驶" in page and "敏感" in page
    assert "已单独同意" in page
    # Sign-in records: when, from where, how it ended; never the hash.
    code = LoginCode.objects.get(mobile=MOBILE)
    assert "127.0.0.1" in page and "验证成功，已登录" in page
    assert code.code_hash not in page and code.salt not in page
    assert re.search(r"登录中的设备</dt><dd>1 个", page)
    # Nobody else's.
    for theirs in (OTHER_NAME, OTHER_MOBILE, "139****0000", OTHER_HEALTH):
        assert theirs not in page
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "<script" not in page.split("<main", 1)[1]


def test_my_data_offers_every_right_and_withdrawal_only_when_there_is_something(client, place):
    signed_in_with_rows(client, place)
    page = client.get(DATA).content.decode()
    for path in ACTIONS:
        assert f'href="{path}"' in page, path
    client.post(WITHDRAW, {"registration": "all"})
    page = client.get(DATA).content.decode()
    assert f'href="{WITHDRAW}"' not in page
    assert "已撤回" in page


def test_my_data_takes_as_many_queries_for_many_rows_as_for_few(client, place):
    volunteer, _rows = signed_in_with_rows(client, place)

    def queries():
        client.get(DATA)
        with captured_queries() as captured:
            assert client.get(DATA).status_code == 200
        return len(captured)

    few = queries()
    index = place["station"].get_parent()
    for n in range(4):
        station = StationPageFactory(parent=index, title=f"站点{n}")
        VolunteerRegistrationFactory(
            page=place["form_page"], station=station, mobile=MOBILE, volunteer=volunteer
        )
    assert queries() == few


# --- the copy ---------------------------------------------------------------------------------


def test_the_json_copy_holds_every_row_of_mine_and_none_of_anyone_elses(client, place):
    volunteer, rows = signed_in_with_rows(client, place)
    response = download(client, "json")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert volunteer.number in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    body = response.content.decode("utf-8")
    document = json.loads(body)

    me = document["志愿者"]
    assert me["志愿者编号"] == volunteer.number
    assert me["姓名"] == NAME and me["手机号码"] == MOBILE
    assert me["创建时间"] and me["首次验证时间"]
    signups = document["活动报名"]
    assert sorted(s["活动"] for s in signups) == ["上月义诊", "社区清洁日"]
    past = next(s for s in signups if s["活动"] == "上月义诊")
    assert past["出席"] == "出席" and past["状态"] == "已确认" and past["站点"]
    registrations = document["志愿者注册"]
    assert sorted(r["站点"] for r in registrations) == sorted(
        [place["station"].title, place["station_b"].title]
    )
    for found in registrations:
        assert found["填写的内容"]["健康状况"] == HEALTH
        assert found["填写的内容"]["专业技能"] == "护理\n驾驶"
        assert found["已单独同意处理敏感信息"] == "是"
    sign_ins = document["登录记录"]
    assert len(sign_ins) == 1 and sign_ins[0]["请求地址"] == "127.0.0.1"
    assert document["登录中的设备数"] == 1
    code = LoginCode.objects.get(mobile=MOBILE)
    for theirs in (OTHER_NAME, OTHER_MOBILE, OTHER_HEALTH, code.code_hash, code.salt):
        assert theirs not in body

    # The download is on the record, without a value.
    entry = DataRightsLog.objects.get()
    assert entry.volunteer == volunteer and entry.action == "data_exported"
    assert entry.details == {"format": "json"}
    again = json.loads(download(client, "json").content)
    assert again["个人信息权利记录"][0]["操作"] == "下载个人数据"


def test_the_csv_copy_opens_in_a_spreadsheet_and_holds_the_same(client, place):
    volunteer, rows = signed_in_with_rows(client, place)
    response = download(client, "csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["Content-Disposition"].endswith('.csv"')
    assert response["Cache-Control"] == "private, no-store"
    table = csv_rows(response)
    assert table[0] == ["部分", "第几条", "项目", "内容"]
    assert all(len(row) == 4 for row in table)
    cells = {(row[0], row[2], row[3]) for row in table}
    assert ("志愿者", "志愿者编号", volunteer.number) in cells
    assert ("志愿者", "手机号码", MOBILE) in cells
    assert ("活动报名", "活动", "上月义诊") in cells and ("活动报名", "活动", "社区清洁日") in cells
    assert ("志愿者注册", "健康状况", HEALTH) in cells
    assert ("志愿者注册", "专业技能", "护理\n驾驶") in cells
    assert ("登录记录", "请求地址", "127.0.0.1") in cells
    body = response.content.decode("utf-8")
    for theirs in (OTHER_NAME, OTHER_MOBILE, OTHER_HEALTH):
        assert theirs not in body
    assert DataRightsLog.objects.get().details == {"format": "csv"}


FORMULAS = ['=HYPERLINK("http://x")', "+1+2", "-3+4", "@SUM(A1)", "\tTAB", "\rCR", "\x01=1+1"]


def test_the_csv_copy_runs_no_formula_and_control_characters_cannot_break_it(client, place):
    volunteer, rows = signed_in_with_rows(client, place)
    registration = rows["registration"]
    labels = place["labels"]
    data = dict(registration.form_data)
    # Stored before the input policy, or by an editor's import: the copy must still be safe.
    # (No NUL: PostgreSQL's jsonb cannot hold one, so no stored row has it.)
    data[labels["专业技能"]] = "第一行\r\n第二行\r第三行\x1f\x1b[31m\u202e"
    for n, formula in enumerate(FORMULAS):
        data[f"old_{n}"] = formula
    type(registration).objects.filter(pk=registration.pk).update(form_data=data)
    Volunteer.objects.filter(pk=volunteer.pk).update(name="=cmd|'/c calc'!A1")

    table = csv_rows(download(client, "csv"))
    assert all(len(row) == 4 for row in table)
    for row in table:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), row
            assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f\u202e]", cell), row
    values = {row[3] for row in table}
    assert "'=cmd|'/c calc'!A1" in values
    assert "第一行\n第二行\n第三行[31m" in values
    for formula in ('\'=HYPERLINK("http://x")', "'+1+2", "'-3+4", "'@SUM(A1)", "'\tTAB"):
        assert formula in values
    assert "'=1+1" in values  # the control character in front no longer hides it


@pytest.mark.parametrize("path", ["/volunteer/data/download/xlsx/", DOWNLOAD + "JSON/"])
def test_an_odd_format_is_not_found_and_nothing_is_logged(client, place, path):
    signed_in_with_rows(client, place)
    assert client.get(path).status_code == 404
    assert not DataRightsLog.objects.exists()


def test_the_download_page_links_both_files_and_only_a_get_of_a_file_is_logged(client, place):
    signed_in_with_rows(client, place)
    response = client.get(DOWNLOAD)
    assert response.status_code == 200
    page = response.content.decode()
    assert f'href="{DOWNLOAD_CSV}"' in page and f'href="{DOWNLOAD_JSON}"' in page
    assert f'href="{DOWNLOAD_JSON}"' in client.get(DATA).content.decode()
    head = client.head(DOWNLOAD_JSON)
    assert head.status_code == 200 and head["Content-Disposition"].startswith("attachment")
    assert not DataRightsLog.objects.exists()
    for path in (DOWNLOAD_CSV, DOWNLOAD_JSON):
        assert client.post(path).status_code == 405
    assert not DataRightsLog.objects.exists()


# --- the fresh code ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "back"),
    [*((path, path) for path in ACTIONS), (DOWNLOAD_JSON, DOWNLOAD), (DOWNLOAD_CSV, DOWNLOAD)],
)
def test_a_stale_session_is_sent_to_the_fresh_code_step(client, place, path, back):
    signed_in_with_rows(client, place)
    make_stale(client)
    sent = len(outbox)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"{CONFIRM}?next={back}"
    page = client.get(response["Location"]).content.decode()
    assert "为保护您的信息，请再输入一次验证码" in page
    assert "138****5678" in page and f'name="next" value="{back}"' in page
    assert len(outbox) == sent  # a GET sends nothing
    assert not DataRightsLog.objects.exists()  # and a stale download downloads nothing


def test_a_stale_post_does_nothing_and_shows_the_fresh_code_step(client, place):
    volunteer, rows = signed_in_with_rows(client, place)
    make_stale(client)
    posts = [
        (NAME_PAGE, {"name": "陈大明"}),
        (WITHDRAW, {"registration": "all"}),
        (DELETE, {"confirm": "on"}),
    ]
    for path, data in posts:
        response = client.post(path, data)
        assert response.status_code == 403, path
        page = response.content.decode()
        assert "为保护您的信息，请再输入一次验证码" in page
        assert f'name="next" value="{path}"' in page
        assert response["Content-Type"].startswith("text/html")
        assert response["Cache-Control"] == "private, no-store"
    volunteer.refresh_from_db()
    assert volunteer.name == NAME and volunteer.mobile == MOBILE
    registration = type(rows["registration"]).objects.get(pk=rows["registration"].pk)
    assert registration.form_data[place["labels"]["健康状况"]] == HEALTH
    assert registration.sensitive_consent and registration.sensitive_withdrawn_at is None
    assert not DataRightsLog.objects.exists()


def test_the_fresh_code_goes_to_my_own_mobile_and_brings_me_back(client, place):
    volunteer, rows = signed_in_with_rows(client, place)
    make_stale(client)
    key_before = client.cookies[session.COOKIE_NAME].value
    sent = client.post(CONFIRM, {"action": "send", "next": NAME_PAGE})
    assert sent.status_code == 200
    assert "验证码已发送到 138****5678" in sent.content.decode()
    assert outbox[-1].mobile == MOBILE and outbox[-1].template == "login_code"
    done = client.post(CONFIRM, {"action": "verify", "code": last_code(), "next": NAME_PAGE})
    assert done.status_code == 303 and done["Location"] == NAME_PAGE
    # A new session key, as at sign-in; the old one is gone.
    key_after = client.cookies[session.COOKIE_NAME].value
    assert key_after != key_before
    assert not VolunteerSession.objects.filter(session_key=key_before).exists()
    assert VolunteerSession.objects.get(session_key=key_after).volunteer == volunteer
    # Fresh now: the action goes ahead.
    assert client.get(NAME_PAGE).status_code == 200
    assert client.post(NAME_PAGE, {"name": "陈大明"}).status_code == 303
    assert Volunteer.objects.get(pk=volunteer.pk).name == "陈大明"
    # And the code step, asked again while fresh, sends straight on.
    assert client.get(CONFIRM, {"next": DELETE})["Location"] == DELETE


def test_a_wrong_code_is_refused_and_the_session_stays_stale(client, place):
    signed_in_with_rows(client, place)
    make_stale(client)
    client.post(CONFIRM, {"action": "send", "next": DELETE})
    wrong = "000000" if last_code() != "000000" else "111111"
    response = client.post(CONFIRM, {"action": "verify", "code": wrong, "next": DELETE})
    assert response.status_code == 400
    page = response.content.decode()
    assert "验证码不正确" in page and "还可以再试 4 次" in page
    assert f'name="next" value="{DELETE}"' in page
    assert client.post(DELETE, {"confirm": "on"}).status_code == 403
    assert Volunteer.objects.get(mobile=MOBILE)
    odd = client.post(CONFIRM, {"action": "verify", "code": "12ab56", "next": DELETE})
    assert odd.status_code == 400 and "验证码只有数字" in odd.content.decode()


def test_the_fresh_code_keeps_the_sign_in_limits(client, place):
    signed_in_with_rows(client, place)
    make_stale(client)
    assert client.post(CONFIRM, {"action": "send"}).status_code == 200
    again = client.post(CONFIRM, {"action": "send"})
    assert again.status_code == 429
    assert "验证码刚刚发送过" in again.content.decode()
    assert len(outbox) == 2  # the sign-in's and one fresh code


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example.com/", "//evil.example.com/", "/admin/", "/volunteer/", "", "x" * 600],
)
def test_after_the_fresh_code_it_goes_to_a_data_page_only(client, place, next_url):
    signed_in_with_rows(client, place)
    make_stale(client)
    client.post(CONFIRM, {"action": "send", "next": next_url})
    done = client.post(CONFIRM, {"action": "verify", "code": last_code(), "next": next_url})
    assert done.status_code == 303 and done["Location"] == DATA


def test_the_deleted_page_needs_no_sign_in_and_shows_nobodys_data(client, place):
    response = client.get(DELETED)
    assert response.status_code == 200
    assert "账号已注销" in response.content.decode()
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("path", [DATA, CONFIRM, *ACTIONS, DOWNLOAD_JSON, DELETED])
def test_other_methods_are_refused(client, place, path):
    sign_in(client)
    for method in ("put", "patch", "delete"):
        assert getattr(client, method)(path).status_code == 405
