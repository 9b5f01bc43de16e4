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
        <source>%s, %s (%s)</source>
        <translation>%s，%s（%s）</translation>
    </message>
    <message>
        <source>%s: %s by %s</source>
        <translation>%s：%s，操作者 %s</translation>
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
        <source>The active model was not changed: %s</source>
        <translation>当前模型未更改：%s</translation>
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
        <source>Corrected by an agent (model said: %s)</source>
        <translation>已由客服更正（模型判断：%s）</translation>
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
        <source>Model %s is now active. The open queue is being re-scored in the background.</source>
        <translation>模型 %s 已启用。正在后台为当前队列重新评分。</translation>
    </message>
    <message>
        <source>Kept model %s; the new version %s is in the model history.</source>
        <translation>保留模型 %s；新版本 %s 可在模型历史中找到。</translation>
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
</TS>
