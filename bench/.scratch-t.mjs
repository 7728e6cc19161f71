import { request, Agent } from 'undici';
import http from 'node:http';
const s = http.createServer((req,res)=>{res.end(JSON.stringify(req.headers))}).listen(0,'127.0.0.1', async ()=>{
  const u = `http://user:pa%40ss@127.0.0.1:${s.address().port}/x`;
  try { const r = await request(u); console.log(r.statusCode, await r.body.text()); } catch(e){ console.log('err', e.code, e.message) }
  s.close();
});
