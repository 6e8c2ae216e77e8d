import{c as r,s as e}from"./flowDiagram-HODETNUW-Dod38tr7.js";import{_ as a}from"./mermaid.core-CB_RikKa.js";import"./chunk-5VM5RSS4-qvdxkz0Q.js";import"./chunk-XXDRQBXY-Bp7Pxa5a.js";import"./chunk-POPQ4Y6H-iDqdLnu5.js";import"./chunk-F27PBJKO-Dy4E7hLH.js";import"./index-D_uK175G.js";import"./channel-L3hE0rnw.js";import"./_commonjsHelpers-CqkleIqs.js";var o=a(t=>`${e(t)}
  .swimlane.cluster rect {
    stroke: ${t.clusterBorder} !important;
  }
  [data-look="neo"].cluster rect {
    filter: none;
  }
`,"getStyles"),m=o,y=r({defaultLayout:"swimlane",styles:m});export{y as diagram};
