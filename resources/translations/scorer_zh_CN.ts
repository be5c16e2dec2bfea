<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="zh_CN">
<context>
    <name>AuditModel</name>
    <message>
        <location filename="../../ui/models/audit_log.py" line="27"/>
        <source>序号</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_log.py" line="28"/>
        <source>时间</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_log.py" line="29"/>
        <source>站点</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_log.py" line="30"/>
        <source>站内序号</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_log.py" line="31"/>
        <source>类型</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_log.py" line="32"/>
        <source>操作人</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_log.py" line="33"/>
        <source>来源</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_log.py" line="34"/>
        <source>内容</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_log.py" line="35"/>
        <source>设备原始记录</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_log.py" line="38"/>
        <source>站点初始化</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_log.py" line="39"/>
        <source>竞赛定义</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_log.py" line="40"/>
        <source>评分</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_log.py" line="41"/>
        <source>更正</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_log.py" line="42"/>
        <source>作废</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_log.py" line="43"/>
        <location filename="../../ui/models/audit_log.py" line="58"/>
        <source>双人录入</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_log.py" line="44"/>
        <source>选手状态</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_log.py" line="45"/>
        <source>锁定</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_log.py" line="46"/>
        <source>解锁</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_log.py" line="47"/>
        <source>解密</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_log.py" line="48"/>
        <source>裁判签字</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_log.py" line="49"/>
        <source>裁判长确认</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_log.py" line="50"/>
        <source>登录</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_log.py" line="51"/>
        <source>登录失败</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_log.py" line="54"/>
        <source>键盘</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_log.py" line="55"/>
        <source>命令行</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_log.py" line="56"/>
        <source>设备</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_log.py" line="57"/>
        <source>导入</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_log.py" line="59"/>
        <source>同步</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_log.py" line="231"/>
        <source>{0} {1} = {2}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_log.py" line="233"/>
        <source>（裁判 {0}）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_log.py" line="236"/>
        <source>{0} {1} → {2}（更正 #{3}：{4}）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_log.py" line="240"/>
        <source>{0} {1} 作废 #{2}：{3}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_log.py" line="244"/>
        <source>第 {0} 遍：{1} {2} = {3}（裁判 {4}）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_log.py" line="248"/>
        <source>{0} → {1}：{2}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_log.py" line="250"/>
        <source>锁定 {0}（签字：{1}）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_log.py" line="252"/>
        <source>解锁 {0}：{1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_log.py" line="254"/>
        <source>解密 {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_log.py" line="256"/>
        <source>{0} 签字确认 {1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_log.py" line="258"/>
        <source>{0} 确认 {1}：{2}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_log.py" line="261"/>
        <source>{0}：{1} 个项目，{2} 名选手，{3} 名裁判</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_log.py" line="268"/>
        <source>站点 {0} {1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_log.py" line="270"/>
        <source>{0} 登录</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_log.py" line="272"/>
        <source>{0} PIN 错误（连续第 {1} 次）</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>AuditWidget</name>
    <message>
        <location filename="../../ui/windows/audit.py" line="34"/>
        <source>筛选：选手、评分项、裁判、内容……</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/audit.py" line="37"/>
        <source>验证哈希链</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/audit.py" line="35"/>
        <source>类型</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/audit.py" line="63"/>
        <source>当前登录的裁判无权查看审计日志</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/audit.py" line="105"/>
        <source>全部类型</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/audit.py" line="125"/>
        <source>哈希链完好</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ContestantsModel</name>
    <message>
        <location filename="../../ui/models/contestants.py" line="20"/>
        <source>加密号</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/contestants.py" line="21"/>
        <source>参赛证号</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/contestants.py" line="22"/>
        <source>姓名</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/contestants.py" line="23"/>
        <source>单位</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/contestants.py" line="24"/>
        <source>区</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/contestants.py" line="25"/>
        <source>机位号</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/contestants.py" line="26"/>
        <source>已录分数</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DeviceInput</name>
    <message>
        <location filename="../../ui/windows/score_entry/devices.py" line="70"/>
        <source>设备读数 {0} 未写入：评分页不在前台（请回到评分页再测一次）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/score_entry/devices.py" line="76"/>
        <source>收到设备读数 {0}，但没有选中评分格</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/score_entry/devices.py" line="82"/>
        <source>未经请求的读数（仪器上按了打印键？）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/score_entry/devices.py" line="87"/>
        <source>该格已有分数，保存即为更正</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/score_entry/devices.py" line="89"/>
        <source>刚保存后又收到读数（连按了两次？）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/score_entry/devices.py" line="91"/>
        <source>与上一个读数相同</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/score_entry/devices.py" line="105"/>
        <source>未经请求的读数</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/score_entry/devices.py" line="117"/>
        <source>已保存 {0} = {1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/score_entry/devices.py" line="120"/>
        <source>本列已全部录入</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/score_entry/devices.py" line="127"/>
        <source>{0} ← {1}：按 Enter 保存，Esc 放弃</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DevicesWidget</name>
    <message>
        <location filename="../../ui/windows/devices.py" line="61"/>
        <source>等待端口</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/devices.py" line="62"/>
        <source>已连接</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/devices.py" line="63"/>
        <source>已断开（拔出？）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/devices.py" line="64"/>
        <source>收到乱码：波特率不对或接错设备？</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/devices.py" line="65"/>
        <source>已停止</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/devices.py" line="81"/>
        <source>自定义配置（.json）…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/devices.py" line="86"/>
        <source>端口名（COM3、/dev/ttyUSB0）或地址（socket://主机:端口、rfc2217://…）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/devices.py" line="90"/>
        <source>当前评分格（回车确认）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/devices.py" line="95"/>
        <source>计时：{0} {1}（按号码配对）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/devices.py" line="98"/>
        <source>读数自动保存（不等回车）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/devices.py" line="100"/>
        <source>添加设备</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/devices.py" line="104"/>
        <source>设备类型</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/devices.py" line="105"/>
        <location filename="../../ui/windows/devices.py" line="112"/>
        <source>端口</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/devices.py" line="106"/>
        <source>读数去向</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/devices.py" line="112"/>
        <source>设备</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/devices.py" line="112"/>
        <source>状态</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/devices.py" line="112"/>
        <source>最后读数</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/devices.py" line="118"/>
        <source>取值 / 测试</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/devices.py" line="121"/>
        <source>移除</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/devices.py" line="142"/>
        <source>原因（更正或放弃时必填）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/devices.py" line="143"/>
        <source>分配给选手</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/devices.py" line="146"/>
        <source>用此时间更正</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/devices.py" line="149"/>
        <source>放弃</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/devices.py" line="157"/>
        <source>最近的读数和故障</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/devices.py" line="299"/>
        <source>故障：{0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/devices.py" line="309"/>
        <source>（未经请求）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/devices.py" line="313"/>
        <source>读数 {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/devices.py" line="343"/>
        <source>未保存：{0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/devices.py" line="348"/>
        <source>已放弃计时记录（记录 #{0}）：{1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/devices.py" line="353"/>
        <source>已作废计时：{0}（计时器清除了该记录；作废记录 #{1}）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/devices.py" line="357"/>
        <source>已更正计时：{0} = {1} 秒（记录 #{2}）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/devices.py" line="361"/>
        <source>已保存计时：{0} = {1} 秒（记录 #{2}）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/devices.py" line="393"/>
        <source>待处理的计时记录：{0} 条（请分配、更正或放弃；不会自动消失）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/devices.py" line="401"/>
        <source>请先在待处理列表中选中一条记录</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/devices.py" line="178"/>
        <source>无法列出串口：{0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/devices.py" line="192"/>
        <source>自定义设备配置</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/devices.py" line="203"/>
        <source>请填写端口</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/devices.py" line="307"/>
        <source>（不稳定）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/devices.py" line="425"/>
        <source>请先选中一条记录和一名选手</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DoubleEntryWidget</name>
    <message>
        <location filename="../../ui/windows/double_entry.py" line="144"/>
        <source>第一遍</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/double_entry.py" line="145"/>
        <source>第二遍</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/double_entry.py" line="146"/>
        <source>第三遍（核对两遍不一致的格）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/double_entry.py" line="168"/>
        <source>选手</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/double_entry.py" line="169"/>
        <source>评分项</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/double_entry.py" line="170"/>
        <source>裁判</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/double_entry.py" line="171"/>
        <source>第一遍录分员</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/double_entry.py" line="172"/>
        <source>第二遍录分员</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/double_entry.py" line="183"/>
        <source>扫描评分表上的二维码（或输入表单编号）后回车</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/double_entry.py" line="186"/>
        <source>评分表二维码</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/double_entry.py" line="187"/>
        <source>项目</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/double_entry.py" line="188"/>
        <source>评分表裁判</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/double_entry.py" line="189"/>
        <source>录入遍数</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/double_entry.py" line="199"/>
        <source>两遍不一致的格（选“第三遍”，看纸质评分表重新录入；与其中一遍一致即记录）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/double_entry.py" line="385"/>
        <source>分数已记录</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/double_entry.py" line="390"/>
        <source>第三遍与前两遍都不一致：请裁判长裁定</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/double_entry.py" line="392"/>
        <source>两遍不一致：请选“第三遍”，看纸质评分表重新录入</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/double_entry.py" line="511"/>
        <source>已到评分表末尾</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/double_entry.py" line="235"/>
        <source>不是 Scorer 评分表的二维码：{0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/double_entry.py" line="239"/>
        <source>这张评分表属于另一个竞赛（{0}）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/double_entry.py" line="243"/>
        <source>这张评分表的项目 {0} 不在您的录入范围内</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/double_entry.py" line="248"/>
        <source>这张评分表的裁判 {0} 不在项目 {1} 中</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/double_entry.py" line="258"/>
        <source>已打开 {0} / {1}，但评分表打印后选手或评分项有变化，请核对</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/double_entry.py" line="261"/>
        <source>已打开评分表：{0} / {1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/double_entry.py" line="275"/>
        <source>只有录分员可以录入纸质评分表</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/double_entry.py" line="396"/>
        <source>本遍已录入，等待另一遍</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/double_entry.py" line="402"/>
        <source>本遍已录入、等待另一遍：{0} 格 · 两遍不一致：{1} 格</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/double_entry.py" line="406"/>
        <source> · 项目已锁定，分数不能再记录</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/double_entry.py" line="461"/>
        <source>按回车保存：{0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/double_entry.py" line="485"/>
        <source>{0} {1}：第三遍与其中一遍一致，分数已记录</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/double_entry.py" line="487"/>
        <source>{0} {1}：两遍一致，分数已记录</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/double_entry.py" line="490"/>
        <source>{0} {1}：第三遍与前两遍都不一致，请裁判长裁定</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/double_entry.py" line="492"/>
        <source>{0} {1}：与另一遍不一致，请核对</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/double_entry.py" line="494"/>
        <source>{0} {1}：已录入</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ImportErrorsDialog</name>
    <message>
        <location filename="../../ui/windows/start.py" line="49"/>
        <source>导入失败：未导入任何内容</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/start.py" line="55"/>
        <source>位置</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/start.py" line="55"/>
        <source>问题</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/start.py" line="65"/>
        <source>复制全部</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ListWindow</name>
    <message>
        <location filename="../../ui/windows/list_window.py" line="47"/>
        <source>项目</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LockWidget</name>
    <message>
        <location filename="../../ui/windows/lock.py" line="80"/>
        <source>解锁…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/lock.py" line="82"/>
        <source>解密（加密号 → 姓名）…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/lock.py" line="89"/>
        <source>项目</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/lock.py" line="90"/>
        <location filename="../../ui/windows/lock.py" line="342"/>
        <source>状态</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/lock.py" line="174"/>
        <source>已解密</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/lock.py" line="176"/>
        <source>已锁定</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/lock.py" line="178"/>
        <source>未锁定（已解密）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/lock.py" line="180"/>
        <source>未锁定</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/lock.py" line="386"/>
        <source>解锁项目 {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/lock.py" line="384"/>
        <source>例如：申诉复核，需更正分数</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/lock.py" line="387"/>
        <source>解锁需要裁判长再次输入 PIN 并写明原因，均记入日志。</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/lock.py" line="388"/>
        <source>裁判长 PIN</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/lock.py" line="342"/>
        <location filename="../../ui/windows/lock.py" line="373"/>
        <location filename="../../ui/windows/lock.py" line="388"/>
        <source>原因</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/lock.py" line="396"/>
        <source>解密</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/lock.py" line="397"/>
        <source>解密后项目 {0} 的选手姓名将对所有裁判可见，且不能撤销。确定解密？</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/lock.py" line="513"/>
        <source>项目 {0} 已锁定（记录 #{1}），签字裁判：{2}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/lock.py" line="256"/>
        <location filename="../../ui/windows/lock.py" line="514"/>
        <source>、</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/lock.py" line="64"/>
        <source>锁定前待处理事项</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/lock.py" line="67"/>
        <source>登记选手状态（缺考/弃权…）…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/lock.py" line="69"/>
        <source>裁判长确认…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/lock.py" line="71"/>
        <source>裁判长裁定纸质表…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/lock.py" line="73"/>
        <source>裁判签字（每名裁判用自己的 PIN）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/lock.py" line="76"/>
        <source>签字…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/lock.py" line="78"/>
        <source>锁定</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/lock.py" line="91"/>
        <source>下一步</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/lock.py" line="196"/>
        <source>  ✔ 裁判长已确认（{0}，{1}）：{2}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/lock.py" line="218"/>
        <source>已签字 {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/lock.py" line="218"/>
        <source>未签字</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/lock.py" line="219"/>
        <source>裁判长</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/lock.py" line="219"/>
        <source>评分裁判</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/lock.py" line="236"/>
        <source>等待裁判长处理待办事项、组织裁判签字并锁定</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/lock.py" line="239"/>
        <source>先处理 {0} 项待办事项（补录、重评、核对纸质表，或登记选手状态、裁判长确认）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/lock.py" line="242"/>
        <source>请 {0} 名裁判依次签字（选中姓名，点“签字…”，由本人输入 PIN）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/lock.py" line="245"/>
        <source>可以锁定</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/lock.py" line="247"/>
        <source>已解密：可以打印正式成绩、获奖名单和证书</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/lock.py" line="255"/>
        <source>由加密裁判（{0}）在本机登录并解密；解密前打印的成绩和证书只是草稿</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/lock.py" line="256"/>
        <source>未指定</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/lock.py" line="322"/>
        <source>{0} {1} 签字</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/lock.py" line="323"/>
        <source>请 {0} {1} 本人输入自己的 PIN，确认项目 {2} 的评分。</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/lock.py" line="326"/>
        <source>PIN</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/lock.py" line="338"/>
        <source>例如：未到场 / 本人申请退赛</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/lock.py" line="340"/>
        <source>登记 {0} 的状态</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/lock.py" line="353"/>
        <source>例如：已由其他裁判复核，评分无误</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/lock.py" line="355"/>
        <source>裁判长确认</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/lock.py" line="356"/>
        <source>确认后可带着此事项锁定，确认与理由记入日志：</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/lock.py" line="357"/>
        <source>理由</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/lock.py" line="367"/>
        <source>例如：核对纸质评分表原件</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/lock.py" line="369"/>
        <source>裁判长裁定 {0} {1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/lock.py" line="370"/>
        <source>两遍录入不一致（{0}）。请按纸质评分表原件输入分数并写明原因，裁定记入日志。</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/lock.py" line="373"/>
        <source>纸质表上的分数</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/lock.py" line="424"/>
        <source>已取消，{0} 未签字</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/lock.py" line="429"/>
        <source>{0} 已签字（记录 #{1}）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/lock.py" line="439"/>
        <location filename="../../ui/windows/lock.py" line="462"/>
        <location filename="../../ui/windows/lock.py" line="493"/>
        <source>已取消</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/lock.py" line="450"/>
        <source>已登记 {0}：{1}（记录 #{2}）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/lock.py" line="467"/>
        <source>已确认（记录 #{0}）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/lock.py" line="485"/>
        <source>第一遍 {0}（{1}），第二遍 {2}（{3}）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/lock.py" line="489"/>
        <source>只录入了一遍</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/lock.py" line="505"/>
        <source>已裁定 {0} {1}（记录 #{2}）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/lock.py" line="523"/>
        <source>已取消，项目仍锁定</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/lock.py" line="528"/>
        <source>项目 {0} 已解锁（记录 #{1}），原因：{2}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/lock.py" line="535"/>
        <source>已取消，未解密</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/lock.py" line="539"/>
        <source>项目 {0} 已解密（记录 #{1}），选手姓名现已可见</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <location filename="../../ui/windows/login.py" line="51"/>
        <source>登录 — {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/login.py" line="57"/>
        <source>{0}  {1}（{2}）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/login.py" line="82"/>
        <source>{0}
文件：{1} · 本机：{2}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/login.py" line="83"/>
        <source>（尚无竞赛定义）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/login.py" line="91"/>
        <source>登录人</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/login.py" line="92"/>
        <source>PIN</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/windows/main_window.py" line="127"/>
        <source>裁判长接受当前检查点…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/main_window.py" line="155"/>
        <source>文件(&amp;F)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/main_window.py" line="156"/>
        <source>打开其他竞赛文件…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/main_window.py" line="160"/>
        <source>导入竞赛数据包或名单…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/main_window.py" line="163"/>
        <source>切换裁判…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/main_window.py" line="173"/>
        <source>退出</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/main_window.py" line="183"/>
        <source>Scorer — {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/main_window.py" line="185"/>
        <source>{0} {1}（{2}） · 站点 {3}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/main_window.py" line="213"/>
        <source>接受检查点</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/main_window.py" line="215"/>
        <source>检查点文件缺失、损坏或落后于记录。接受后可继续写入，此决定与原因记入日志，scorer verify 会一直显示。
原因：</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/main_window.py" line="223"/>
        <source>未接受</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/main_window.py" line="229"/>
        <source>评分录入</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/main_window.py" line="230"/>
        <source>设备</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/main_window.py" line="231"/>
        <source>纸质评分表录入</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/main_window.py" line="232"/>
        <source>竞赛概况</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/main_window.py" line="233"/>
        <source>打印中心</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/main_window.py" line="234"/>
        <source>进度与检查</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/main_window.py" line="235"/>
        <source>实时排名</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/main_window.py" line="236"/>
        <source>锁定与签字</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/main_window.py" line="237"/>
        <source>解密</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/main_window.py" line="238"/>
        <source>审计日志</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/main_window.py" line="239"/>
        <source>同步</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/main_window.py" line="244"/>
        <source>切换裁判</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/main_window.py" line="259"/>
        <source>无法打开</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/main_window.py" line="277"/>
        <source>导入竞赛数据包或名单</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/main_window.py" line="279"/>
        <source>竞赛数据包 (*.json *.xlsx);;选手或裁判名单 (*.csv)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/main_window.py" line="284"/>
        <source>导入完成</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/main_window.py" line="284"/>
        <source>已导入 {0}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MarkEntry</name>
    <message>
        <location filename="../../ui/windows/score_entry/entry.py" line="72"/>
        <source>{0} {1}：“{2}”没有保存（按 Enter 键才保存）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/score_entry/entry.py" line="81"/>
        <source>更正分数</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/score_entry/entry.py" line="82"/>
        <source>把已保存的分数 {0} 改为 {1}。
请写明更正原因：</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/score_entry/entry.py" line="105"/>
        <source>已保存的分数不能清空；要更改请输入新的分数</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/score_entry/entry.py" line="133"/>
        <source>更正必须写明原因：{0} 还没有保存</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/score_entry/entry.py" line="137"/>
        <source>已取消更正：{0} {1} 仍为 {2}，未写入任何内容</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/score_entry/entry.py" line="156"/>
        <source>保存失败，未写入：{0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/score_entry/entry.py" line="163"/>
        <source>已更正：{0} {1} = {2}（记录 #{3}）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/score_entry/entry.py" line="165"/>
        <source>已保存：{0} {1} = {2}（记录 #{3}）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/score_entry/entry.py" line="185"/>
        <source>已取消作废：{0} {1} 仍为 {2}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/score_entry/entry.py" line="194"/>
        <source>已作废：{0} {1}（原为 {2}，记录 #{3}）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/score_entry/entry.py" line="204"/>
        <source>作废分数</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/score_entry/entry.py" line="205"/>
        <source>作废 {0} {1} 的分数 {2}（记录保留在日志中）。
请写明原因：</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>OverviewWidget</name>
    <message>
        <location filename="../../ui/windows/main_window.py" line="69"/>
        <source>{0} {1}（{2} 人）</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PrintCentreWidget</name>
    <message>
        <location filename="../../ui/windows/print_centre.py" line="127"/>
        <source>预览</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/print_centre.py" line="128"/>
        <source>保存PDF…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/print_centre.py" line="129"/>
        <source>打印…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/print_centre.py" line="130"/>
        <source>本项目全部文档…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/print_centre.py" line="148"/>
        <source>项目：</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/print_centre.py" line="150"/>
        <source>文档：</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/print_centre.py" line="157"/>
        <source>打印记录</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/print_centre.py" line="216"/>
        <source>无法写入文件：{0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/print_centre.py" line="218"/>
        <source>生成文档失败：{0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/print_centre.py" line="242"/>
        <source>共 {0} 页</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/print_centre.py" line="254"/>
        <source>保存PDF</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/print_centre.py" line="254"/>
        <location filename="../../ui/windows/print_centre.py" line="313"/>
        <source>PDF 文件 (*.pdf)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/print_centre.py" line="267"/>
        <source>已保存：{0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/print_centre.py" line="292"/>
        <source>无法开始打印</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/print_centre.py" line="307"/>
        <source>已发送到打印机：共 {0} 页</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/print_centre.py" line="313"/>
        <source>保存全部文档</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/print_centre.py" line="327"/>
        <source>已合并为一个PDF：{0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/print_centre.py" line="335"/>
        <source>{0}  {1}  {2} {3}  {4} 页  {5}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ProgressModel</name>
    <message>
        <location filename="../../ui/models/progress.py" line="81"/>
        <source>加密号</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/progress.py" line="82"/>
        <source>姓名</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/progress.py" line="83"/>
        <source>单位</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/progress.py" line="84"/>
        <source>状态</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/progress.py" line="85"/>
        <source>缺分的评分项</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/progress.py" line="86"/>
        <source>需重评</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/progress.py" line="87"/>
        <source>利益冲突（裁判 · 评分项）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/progress.py" line="138"/>
        <source>{0}：裁判分差 {1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/progress.py" line="141"/>
        <source>裁判与选手同属“{0}”</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/progress.py" line="142"/>
        <source>裁判与选手来自同一单位</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/progress.py" line="155"/>
        <source>完整</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/progress.py" line="155"/>
        <source>未完成评分</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ProgressWidget</name>
    <message>
        <location filename="../../ui/windows/progress.py" line="44"/>
        <source>全部选手</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/progress.py" line="45"/>
        <source>缺分</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/progress.py" line="46"/>
        <source>需重评</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/progress.py" line="47"/>
        <source>利益冲突</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/progress.py" line="41"/>
        <source>显示</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/progress.py" line="80"/>
        <source>没有可显示的项目</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/progress.py" line="98"/>
        <source>{0} 名选手缺分，{1} 项需重评，{2} 条利益冲突</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>QDialog</name>
    <message>
        <location filename="../../ui/windows/start.py" line="104"/>
        <source>导入失败</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RankingWidget</name>
    <message>
        <location filename="../../ui/windows/ranking.py" line="56"/>
        <source>筛选：加密号、姓名或单位</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/ranking.py" line="68"/>
        <source>点击一名选手查看其每一项分数；选中两名选手可比较名次</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/ranking.py" line="69"/>
        <source>比较所选两名选手</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/ranking.py" line="113"/>
        <source>没有可显示的项目</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/ranking.py" line="234"/>
        <source>{0} 与 {1} 的名次比较</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/ranking.py" line="253"/>
        <source>名次 {0} · 总分 {1} · {2}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/ranking.py" line="280"/>
        <source>缺分</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/ranking.py" line="282"/>
        <source>需重评</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/ranking.py" line="284"/>
        <source>得分 {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/ranking.py" line="291"/>
        <source>计入：{0}；去掉：{1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/ranking.py" line="294"/>
        <source>{0}：{1}（记录 #{2}）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/ranking.py" line="296"/>
        <source>，更正自 #{0}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ReadingOrder</name>
    <message>
        <location filename="../../ui/windows/score_entry/order.py" line="109"/>
        <source>已到评分表末尾；还有 {0} 格未录入（第一格：第 {1} 行 {2} {3}）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/score_entry/order.py" line="113"/>
        <source>本项目您的评分格已全部录入</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ResultsModel</name>
    <message>
        <location filename="../../ui/models/results.py" line="45"/>
        <source>名次</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/results.py" line="46"/>
        <source>加密号</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/results.py" line="47"/>
        <source>姓名</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/results.py" line="48"/>
        <source>单位</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/results.py" line="49"/>
        <source>总分</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/results.py" line="50"/>
        <source>奖项</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/results.py" line="51"/>
        <source>称号</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/results.py" line="52"/>
        <source>状态</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/results.py" line="55"/>
        <source>缺考</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/results.py" line="56"/>
        <source>未完成</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/results.py" line="57"/>
        <source>弃权</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/results.py" line="58"/>
        <source>取消资格</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/results.py" line="254"/>
        <source>缺 {0} 项</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/results.py" line="256"/>
        <source>需重评 {0} 项</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/results.py" line="257"/>
        <source>完整</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/results.py" line="262"/>
        <source>缺分：{0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/results.py" line="264"/>
        <source>需重评：{0}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Roles</name>
    <message>
        <location filename="../../ui/windows/login.py" line="24"/>
        <source>赛务</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/login.py" line="25"/>
        <source>裁判长</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/login.py" line="26"/>
        <source>评分裁判</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/login.py" line="27"/>
        <source>录分员</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/login.py" line="28"/>
        <source>加密裁判</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ScoreEntryWidget</name>
    <message>
        <location filename="../../ui/windows/score_entry/widget.py" line="42"/>
        <source>录入</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/score_entry/widget.py" line="43"/>
        <source>更正</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/score_entry/widget.py" line="44"/>
        <source>作废</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/score_entry/widget.py" line="47"/>
        <source>键盘</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/score_entry/widget.py" line="48"/>
        <source>仪器（键盘输入）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/score_entry/widget.py" line="49"/>
        <source>仪器</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/score_entry/widget.py" line="50"/>
        <source>双人录入</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/score_entry/widget.py" line="51"/>
        <source>导入</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/score_entry/widget.py" line="52"/>
        <source>命令行</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/score_entry/widget.py" line="53"/>
        <source>同步</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/score_entry/widget.py" line="118"/>
        <source>项目：</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/score_entry/widget.py" line="133"/>
        <source>所选单元格的记录：</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/score_entry/widget.py" line="168"/>
        <source>{0} 没有可以评分的项目</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/score_entry/widget.py" line="204"/>
        <source>项目 {0} 已锁定：分数不能再录入或修改（需裁判长解锁）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/score_entry/widget.py" line="222"/>
        <source>项目已锁定，不能再录入或修改分数（需裁判长解锁）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/score_entry/widget.py" line="246"/>
        <source>{0} 可输入：{1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/score_entry/widget.py" line="256"/>
        <source>评分组 {0}：{1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/score_entry/widget.py" line="268"/>
        <source>{0}  {1}  {2}  {3} · {4} · #{5}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/score_entry/widget.py" line="273"/>
        <source>{0}  {1}  {2} → {3}  原因：{4}  {5} · #{6}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/score_entry/widget.py" line="276"/>
        <source>{0}  {1}  {2}  原因：{3}  {4} · #{5}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ScoreGridModel</name>
    <message>
        <location filename="../../ui/models/score_grid.py" line="271"/>
        <source>裁判分差超限，需要重新评分（请与裁判长联系）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/score_grid.py" line="274"/>
        <source>评分未齐</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/score_grid.py" line="277"/>
        <source>（去掉 {0}）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/score_grid.py" line="280"/>
        <source>{0}：分差 {1} 超限，需要重新评分</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/score_grid.py" line="282"/>
        <source>{0} → {1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/score_grid.py" line="351"/>
        <source>姓名</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/score_grid.py" line="409"/>
        <source>未录入</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/score_grid.py" line="412"/>
        <source>已更正：{0}（记录 #{1}，原记录 #{2}）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/score_grid.py" line="418"/>
        <source>已保存：{0}（记录 #{1}）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/score_grid.py" line="423"/>
        <source>由 {0} 录入</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/score_grid.py" line="426"/>
        <source>评分组：{0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/score_grid.py" line="434"/>
        <source>量规检测：合格 / 不合格（pass / fail）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/score_grid.py" line="436"/>
        <source>等级：{0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/score_grid.py" line="438"/>
        <source>公差测量：{0} {1}/{2} {3}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/score_grid.py" line="442"/>
        <source>测量值（{0}）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/score_grid.py" line="445"/>
        <source>，合理范围 {0}–{1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/score_grid.py" line="447"/>
        <source>评价分 {0}–{1}，步长 {2}，{3} 名裁判</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/score_grid.py" line="451"/>
        <source>用时：分:秒 或 时:分:秒（例如 25:30.5、2:25:30）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/score_grid.py" line="453"/>
        <source>，限时 {0} 分钟</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/score_grid.py" line="455"/>
        <source>违规次数：每次扣 {0} 分，最多 {1} 次</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/score_grid.py" line="457"/>
        <source>试卷成绩 0–{0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/score_grid.py" line="460"/>
        <source>{0} {1}
{2}
满分 {3}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>StartDialog</name>
    <message>
        <location filename="../../ui/windows/start.py" line="114"/>
        <source>Scorer — 打开竞赛文件</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/start.py" line="123"/>
        <source>打开演示竞赛</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/start.py" line="125"/>
        <source>打开其他文件…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/start.py" line="127"/>
        <source>新建竞赛文件…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/start.py" line="130"/>
        <source>最近打开的文件</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/start.py" line="147"/>
        <source>打开竞赛文件</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/start.py" line="147"/>
        <source>竞赛文件 (*.scorer);;所有文件 (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/start.py" line="154"/>
        <source>新建竞赛文件</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/start.py" line="154"/>
        <source>竞赛文件 (*.scorer)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/start.py" line="162"/>
        <source>无法新建</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SyncWidget</name>
    <message>
        <location filename="../../ui/windows/sync.py" line="75"/>
        <source>重新登记…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/sync.py" line="76"/>
        <source>用另一个登记码把本机登记到（另一个）总部</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/sync.py" line="82"/>
        <source>登记本机</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/sync.py" line="84"/>
        <source>例如 http://192.168.1.10:8750</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/sync.py" line="86"/>
        <source>总部给出的一次性登记码，例如 K3M9Q-7TX2B</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/sync.py" line="87"/>
        <source>登记</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/sync.py" line="97"/>
        <source>总部地址</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/sync.py" line="98"/>
        <source>登记码</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/sync.py" line="106"/>
        <source>没有网络时：填写登记码后点击“导出到 U 盘…”，登记申请随同步包带到总部，导入总部给回的回执文件即完成登记。</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/sync.py" line="113"/>
        <source>总部回执（按站点）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/sync.py" line="117"/>
        <source>立即推送</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/sync.py" line="119"/>
        <source>导出到 U 盘…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/sync.py" line="121"/>
        <source>导入回执…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/sync.py" line="129"/>
        <source>总部已收到 %v/%m 条</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/sync.py" line="166"/>
        <source>另一项同步操作正在进行，请稍候再试</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/sync.py" line="174"/>
        <source>请填写总部地址和登记码</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/sync.py" line="178"/>
        <location filename="../../ui/windows/sync.py" line="315"/>
        <source>正在登记…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/sync.py" line="188"/>
        <source>本机尚未登记：请先填写总部地址和登记码并点击“登记”</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/sync.py" line="201"/>
        <source>本机尚未登记：没有网络时请先在上方填写登记码，登记申请会随同步包带到总部</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/sync.py" line="206"/>
        <source>导出同步包到 U 盘</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/sync.py" line="208"/>
        <source>同步包 (*.bundle)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/sync.py" line="219"/>
        <source>导入总部的回执文件</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/sync.py" line="219"/>
        <source>回执文件 (*.receipt);;所有文件 (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/sync.py" line="234"/>
        <source>正在读取同步状态…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/sync.py" line="236"/>
        <source>本机（站点 {0}）尚未在总部登记此竞赛文件。</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/sync.py" line="239"/>
        <source>总部：{0}&#x3000;编号 {1}
场地：{2}（{3}）&#x3000;本机站点：{4}&#x3000;登记于 {5}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/sync.py" line="240"/>
        <source>（离线登记，地址未知）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/sync.py" line="293"/>
        <source>本机 {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/sync.py" line="295"/>
        <source>站点 {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/sync.py" line="303"/>
        <source>尚未在总部登记（本机 {0} 条记录）；请在上方填写总部地址和登记码后点击“登记”</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/sync.py" line="305"/>
        <source>{0}：{1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/sync.py" line="312"/>
        <source>正在推送…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/sync.py" line="316"/>
        <source>正在导出…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/sync.py" line="317"/>
        <source>正在导入回执…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/sync.py" line="331"/>
        <source>推送未完成：{0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/sync.py" line="337"/>
        <source>（{0}；本次发送 {1} 条，共 {2} 批）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/sync.py" line="345"/>
        <source>已写入 {0}：{1} 条记录（{2} 批，{3} 字节）。</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/sync.py" line="350"/>
        <source>同步包中含本机的登记申请。</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/sync.py" line="351"/>
        <source>请把它带到总部导入，再把总部给回的回执文件导入此处。</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/sync.py" line="354"/>
        <source>已导入回执文件 {0}：本文件的回执 {1} 份（其中 {2} 份更新了状态）。</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/sync.py" line="358"/>
        <source>本机登记已完成。</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/sync.py" line="340"/>
        <source>已登记：场地 {0}（{1}），总部 {2}，地址 {3}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/sync.py" line="361"/>
        <source>总部拒收了以下批次（没有保存其中任何记录）：</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/sync.py" line="365"/>
        <source>批次 {0}–{1}：{2}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/sync.py" line="382"/>
        <source>自动推送已暂停：{0}。处理后请点击“立即推送”。</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/sync.py" line="388"/>
        <source>登记后，本机会在总部可以连接时自动推送。</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/sync.py" line="391"/>
        <source>离线登记的本机还不知道总部的网络地址：在上方填写地址后点击“立即推送”，之后会自动推送。</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/sync.py" line="394"/>
        <source>正在自动推送…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/sync.py" line="398"/>
        <source>总部暂时无法连接（{0}），稍后自动重试</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/sync.py" line="401"/>
        <source>自动推送失败（{0}）：{1}，稍后自动重试</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/sync.py" line="405"/>
        <source>自动推送：{0} 已推送 {1} 条。每 {2} 秒及保存评分后自动检查。</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/windows/sync.py" line="408"/>
        <source>每 {0} 秒及保存评分后自动检查并推送。</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
